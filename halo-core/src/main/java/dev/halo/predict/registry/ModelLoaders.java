package dev.halo.predict.registry;

import dev.halo.BadInputException;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.ModelLoader;
import dev.halo.predict.help.HelpModelLoader;
import dev.halo.space.SearchSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The trained-model formats {@code --model FILE} reads, listed here directly (no service lookup). */
public final class ModelLoaders {
    private ModelLoaders() {}

    public static List<ModelLoader> all() {
        return List.of(new HelpModelLoader());
    }

    /** Loads {@code file} with the first loader that accepts it. */
    public static FewShotMethod loadAny(Path file, SearchSpace<?> space) {
        if (!Files.isRegularFile(file)) throw new BadInputException("model file " + file + " does not exist");
        List<ModelLoader> loaders = all();
        for (ModelLoader loader : loaders) if (loader.accepts(file)) return loader.load(file, space);
        throw new BadInputException("no model loader understands " + file + "; known: "
                + String.join(", ", loaders.stream().map(ModelLoader::describe).toList()));
    }
}
