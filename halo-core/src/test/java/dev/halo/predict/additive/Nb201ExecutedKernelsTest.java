package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.space.Nb201Macro;
import dev.halo.space.Nb201Space;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The kernel model's rewrites on cells worked out by hand; halo-onnx's Nb201OrtKernelsTest holds it against ONNX Runtime. */
class Nb201ExecutedKernelsTest {
    private static final Nb201Space SPACE = new Nb201Space();
    private static final Nb201Macro CIFAR10 = Nb201Macro.cifar10();

    private static Map<String, Integer> count(String cell) {
        return Nb201OrtKernels.count(CIFAR10, SPACE.parse(cell));
    }

    @Test
    void everyArchitectureHasTheKernelsOnnxRuntimeRanForItWhenRecorded() throws Exception {
        // ORT 1.23.2's optimised graph of all 15,625 networks, counted on this project's VM (the file's first line);
        // halo-onnx's Nb201OrtKernelsTest repeats the comparison live on a sample wherever the tests run
        Path recorded = Path.of("..", "data", "measured", "ort-kernels", "nasbench201-cifar10-ort1.23.2-x86avx512-all.txt.gz");
        Set<String> seen = new HashSet<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(recorded)), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) continue;
                String[] f = line.split(" ");
                Map<String, Integer> runtime = new TreeMap<>();
                for (int i = 1; i < f.length; i++) runtime.put(f[i].substring(0, f[i].indexOf('=')), Integer.parseInt(f[i].substring(f[i].indexOf('=') + 1)));
                assertThat(count(f[0])).as(f[0]).isEqualTo(runtime);
                seen.add(SPACE.parse(f[0]).canonical());
            }
        }
        assertThat(seen).hasSize(Nb201Space.SIZE);
    }

    @Test
    void equalSumsAreComputedOnceAndTheReductionAddRunsInsideItsConvolution() {
        // node 2 = x + x, node 3 = (x + x) + node 2: the first Add of node 3 is node 2's, so 2 Adds per cell, 15 cells;
        // each reduction block's Add is absorbed by its shortcut convolution
        Map<String, Integer> c = count("skip,skip,skip,skip,skip,skip");
        assertThat(c).containsEntry("Add", 30).containsEntry("nchwc.Conv_k3", 1 + 2 * 2).containsEntry("nchwc.Conv_k1", 2)
                .containsEntry("nchwc.ReorderOutput", 1).doesNotContainKey("nchwc.ReorderInput").doesNotContainKey("Mul");
    }

    @Test
    void aZeroNodeCostsAProductAndReordersInEveryCell() {
        // x · 0 cannot be blocked (a constant input): the cell input is reordered out once, and the zero tensor (read by
        // the avg-pool) and its ReLU (read by the conv) are reordered in once each
        Map<String, Integer> c = count("none,conv3x3,conv3x3,conv1x1,avgpool,skip");
        assertThat(c).containsEntry("Mul", 15).containsEntry("nchwc.ReorderInput", 2 * 15);
        assertThat(c.get("nchwc.ReorderOutput")).isEqualTo(15 + 1);
    }

    @Test
    void whereACellOutputsItsInputTheSameReluIsOneKernelAcrossCells() {
        // output = input: every cell of a stage, and the next reduction block, applies ReLU to the same tensor
        Map<String, Integer> identity = count("conv3x3,conv1x1,none,skip,none,none");
        Map<String, Integer> ordinary = count("conv3x3,conv1x1,conv3x3,skip,skip,skip");
        assertThat(identity.get("Relu")).isLessThan(15);
        // ReLU of the cell input (its two convs share it) and of node 1 (also summed into node 3, so not fused): 2 per cell
        assertThat(ordinary.get("Relu")).isGreaterThanOrEqualTo(2 * 15);
    }

    @Test
    void featuresAreTheVaryingKindsAndTheirCountsForTheArch() {
        Nb201ExecutedKernels features = Nb201ExecutedKernels.of(CIFAR10);
        assertThat(features.name()).isEqualTo(Nb201ExecutedKernels.NAME);
        assertThat(features.names()).contains("Mul", "nchwc.Conv_k3", "nchwc.ReorderInput").doesNotContain("Gemm", "Flatten");
        Map<String, Integer> counts = count("none,conv3x3,conv1x1,conv3x3,avgpool,skip");
        double[] expected = features.names().stream().mapToDouble(n -> counts.getOrDefault(n, 0)).toArray();
        assertThat(features.of(SPACE.parse("none,conv3x3,conv1x1,conv3x3,avgpool,skip"))).containsExactly(expected);
        assertThat(CostFeatures.named(SPACE, Nb201ExecutedKernels.NAME)).containsSame(features);
        assertThat(CostFeatures.namesFor(SPACE)).containsExactly("op-counts", Nb201ExecutedKernels.NAME);
    }

    @Test
    void keptKindsAreAffinelyIndependentOverTheProbes() {
        // counts of one kind that equal a + b * another kind's would make a 20-point fit singular
        List<Map<String, Integer>> counts = List.of(Map.of("a", 1, "b", 3), Map.of("a", 2, "b", 5), Map.of("a", 4, "b", 9, "c", 1));
        assertThat(Nb201ExecutedKernels.independentKinds(counts)).containsExactly("a", "c");
    }
}
