package dev.halo.app;

import dev.halo.BadInputException;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.ensemble.GeometricEnsemble;
import dev.halo.predict.registry.FewShotMethods;
import dev.halo.predict.registry.ModelLoaders;
import dev.halo.space.SearchSpace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Turns what a user named ({@code --method NAME} or {@code --model FILE ...}) into a few-shot method. */
public final class Methods {
    private Methods() {}

    /** The method every command uses when none is named. */
    public static final String DEFAULT = FewShotMethods.DEFAULT;

    /**
     * {@code models} if any (one file: its method; several: the geometric mean of their predictions), else the method
     * called {@code name}, else {@link FewShotMethods#DEFAULT}.
     */
    public static FewShotMethod resolve(String name, List<Path> models, SearchSpace<?> space) {
        if (models != null && !models.isEmpty()) {
            if (name != null) throw new BadInputException("give either a method name or model files, not both");
            if (models.size() == 1) return ModelLoaders.loadAny(models.get(0), space);
            return new GeometricEnsemble(models.stream().map(m -> ModelLoaders.loadAny(m, space)).toList());
        }
        return FewShotMethods.byName(name != null ? name : DEFAULT);
    }

    /** The names a user may pass, documented ones first; with {@code experimental}, the experimental ones prefixed. */
    public static List<String> names(boolean experimental) {
        Map<String, Supplier<FewShotMethod>> documented = FewShotMethods.documented();
        if (!experimental) return List.copyOf(documented.keySet());
        return FewShotMethods.experimental().keySet().stream().map(n -> FewShotMethods.EXPERIMENTAL + n).toList();
    }
}
