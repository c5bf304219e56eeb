package dev.halo.eval;

import dev.halo.BadInputException;
import dev.halo.space.SearchSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Turns a trained-model file (a halo model file, one of HELP's {@code .pt} checkpoints, ...) into a
 * {@link FewShotMethod} whose {@code prepare} skips training. Implementations register themselves as Java
 * services: a line with the class name in {@code META-INF/services/dev.halo.eval.ModelLoader}.
 */
public interface ModelLoader {
    /** What files this loader reads, for the error message when none accepts a file (e.g. "HELP .pt checkpoint"). */
    String describe();

    /** Whether this loader understands {@code file} (by name, magic bytes, ...); must not throw. */
    boolean accepts(Path file);

    /** Loads the model for {@code space}; a file that does not fit is a {@link BadInputException} naming the field. */
    FewShotMethod load(Path file, SearchSpace<?> space);

    /** The registered loaders. */
    static List<ModelLoader> installed() {
        return ServiceLoader.load(ModelLoader.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    /** Loads {@code file} with the first installed loader that accepts it. */
    static FewShotMethod loadAny(Path file, SearchSpace<?> space) {
        if (!Files.isRegularFile(file)) throw new BadInputException("model file " + file + " does not exist");
        List<ModelLoader> loaders = installed();
        for (ModelLoader loader : loaders) if (loader.accepts(file)) return loader.load(file, space);
        throw new BadInputException("no model loader understands " + file + "; installed: "
                + (loaders.isEmpty() ? "none" : String.join(", ", loaders.stream().map(ModelLoader::describe).toList())));
    }
}
