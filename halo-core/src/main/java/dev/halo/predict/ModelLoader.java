package dev.halo.predict;

import dev.halo.space.SearchSpace;
import java.nio.file.Path;

/**
 * Turns a trained-model file (a halo model file, one of HELP's {@code .pt} checkpoints, ...) into a
 * {@link FewShotMethod} whose {@code prepare} skips training. The known loaders are listed in
 * {@link dev.halo.predict.registry.ModelLoaders}.
 */
public interface ModelLoader {
    /** What files this loader reads, for the error message when none accepts a file (e.g. "HELP .pt checkpoint"). */
    String describe();

    /** Whether this loader understands {@code file} (by name, magic bytes, ...); must not throw. */
    boolean accepts(Path file);

    /** Loads the model for {@code space}; a file that does not fit is a {@link dev.halo.BadInputException} naming the field. */
    FewShotMethod load(Path file, SearchSpace<?> space);
}
