package dev.halo.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.kernel.BoostedTrees;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelFeatures;
import dev.halo.kernel.KernelModelBinary;
import dev.halo.kernel.KernelModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModelCacheTest {
    @TempDir Path dir;

    private static KernelCostModel model(String device, double perKernelMs) {
        var leaf = new BoostedTrees.Tree(new int[] {-1}, new double[] {0}, new int[] {0}, new int[] {0}, new double[] {0.1});
        return new KernelCostModel(new KernelCostModel.Baseline(4e-8, 1e-7, 2e-3), new BoostedTrees(0, List.of(leaf), KernelFeatures.size()),
                new BoostedTrees(0, List.of(leaf), KernelFeatures.productSize()),
                new KernelCostModel.Calibration(1, perKernelMs, 0.05, Math.log(0.8), Math.log(1.2)),
                new KernelCostModel.Provenance(device, "test", 12, 400, List.of("resnet"), KernelFeatures.VERSION, "2026-12-02T00:00:00Z"));
    }

    @Test
    void theFirstLoadWritesTheCacheAndLaterLoadsReadItUntilTheJsonChanges() throws Exception {
        Path file = Files.writeString(dir.resolve("d.kernel-model.json"), KernelModelFile.toJson(model("a", 0.01)));
        Path cache = KernelModelCache.cacheOf(file);
        assertThat(cache).isEqualTo(dir.resolve(".d.kernel-model.json.halo-cache"));

        assertThat(KernelModelCache.load(file).device()).isEqualTo("a");
        assertThat(cache).isRegularFile();
        // the cache is what later loads read: a cache holding another model under this JSON's key is believed
        byte[] key = KernelModelCache.key(Files.readAllBytes(file));
        Files.write(cache, KernelModelBinary.write(model("from-cache", 0.01), key));
        assertThat(KernelModelCache.load(file).device()).isEqualTo("from-cache");

        // an edited file is not its old cache: parsed again, cache rewritten
        Files.writeString(file, KernelModelFile.toJson(model("b", 0.02)));
        GraphLatencyModel edited = KernelModelCache.load(file);
        assertThat(edited.device()).isEqualTo("b");
        assertThat(KernelModelFile.toJson(KernelModelCache.load(file))).isEqualTo(Files.readString(file));
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aDamagedCacheIsRebuiltAndOneThatCannotBeWrittenIsNotKept() throws Exception {
        Path file = Files.writeString(dir.resolve("d.json"), KernelModelFile.toJson(model("a", 0.01)));
        KernelModelCache.load(file);
        Path cache = KernelModelCache.cacheOf(file);
        byte[] good = Files.readAllBytes(cache);
        Files.write(cache, java.util.Arrays.copyOf(good, good.length / 2));
        assertThat(KernelModelCache.load(file).device()).isEqualTo("a");
        assertThat(cache).hasBinaryContent(good);

        // a cache that cannot be written (here its name is taken by a folder; root ignores read-only permissions): the
        // model still comes from the JSON and nothing is left behind
        Path blocked = Files.writeString(dir.resolve("e.json"), KernelModelFile.toJson(model("c", 0.01)));
        Files.createDirectories(KernelModelCache.cacheOf(blocked).resolve("taken"));
        assertThat(KernelModelCache.load(blocked).device()).isEqualTo("c");
        assertThat(KernelModelCache.load(blocked).device()).isEqualTo("c");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
    }
}
