package dev.halo.app.zoo;

import dev.halo.onnx.zoo.ModelFamily;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooFiles;
import java.nio.file.Path;
import java.util.List;

/** halo's generated model corpus: its families, reproducible samples of it, and its models written as ONNX files. */
public final class Zoo {
    private Zoo() {}

    /** A model family: its name, the ranges its sampler draws from, and its presets' names. */
    public record Family(String name, String description, List<String> presets) {}

    /** Every family, in the zoo's order. */
    public static List<Family> families() {
        return ModelZoo.families().stream().map(Zoo::family).toList();
    }

    private static Family family(ModelFamily f) {
        return new Family(f.name(), f.description(), List.copyOf(f.presets().keySet()));
    }

    /**
     * {@code count} distinct models of {@code family} (or of all families in turn with {@code all}) drawn with {@code seed},
     * as CSV lines: the header {@code spec,family,resolution,params,macs}, then one line per model.
     */
    public static List<String> sample(String family, int count, long seed) {
        return ZooFiles.sampleTable(ModelZoo.sample(family, count, seed));
    }

    /** One written file: the model's canonical string, its parameters, MACs and the file's SHA-256. */
    public record Exported(Path file, String spec, long params, long macs, String sha256) {}

    /**
     * Writes the models named by {@code specs} (canonical strings or presets) as {@code .onnx} files with a fixed
     * {@code batch} and random weights from {@code seed}, and their {@code index.csv}, into the existing {@code dir}.
     */
    public static List<Exported> export(List<String> specs, Path dir, int batch, long seed) {
        return ZooFiles.export(specs, dir, batch, seed).stream()
                .map(e -> new Exported(e.file(), e.model().canonical(), e.params(), e.macs(), e.sha256())).toList();
    }
}
