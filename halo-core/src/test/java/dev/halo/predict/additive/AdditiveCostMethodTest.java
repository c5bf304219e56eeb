package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.eval.DeviceScore;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.LatencyTable;
import dev.halo.fewshot.Pools;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdditiveCostMethodTest {
    static final Nb201Space SPACE = new Nb201Space();

    @Test
    void countsTheCellsOperations() {
        Nb201Arch a = SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|none~1|skip_connect~2|");
        assertThat(new Nb201OpCounts().of(a)).containsExactly(2, 0, 2, 1); // skip, conv1x1, conv3x3, avgpool
        assertThat(new Nb201OpCounts().names()).containsExactly("skip", "conv1x1", "conv3x3", "avgpool");
    }

    /**
     * NB201 rows 0..799; the "phone" is additive in op counts with 5 % pseudo-random noise and none of the train
     * devices resembles it (they rank by row number), so only the method's own fit can rank it.
     */
    static Benchmark phoneBenchmark() {
        int rows = 800;
        List<Nb201Arch> archs = IntStream.range(0, rows).mapToObj(SPACE::fromIndex).toList();
        Nb201OpCounts counts = new Nb201OpCounts();
        Map<String, double[]> latency = new LinkedHashMap<>();
        latency.put("gpuA", IntStream.range(0, rows).mapToDouble(i -> 5 + i % 37).toArray());
        latency.put("gpuB", IntStream.range(0, rows).mapToDouble(i -> 7 + (i * 13) % 41).toArray());
        latency.put("gpuC", IntStream.range(0, rows).mapToDouble(i -> 2 + (i * 7) % 29 + i % 37).toArray());
        latency.put("phone", IntStream.range(0, rows).mapToDouble(i -> {
            double[] c = counts.of(archs.get(i));
            return (3 + 0.4 * c[0] + 2.5 * c[1] + 7.0 * c[2] + 1.5 * c[3]) * (1 + 0.05 * Math.sin(i * 12.9898));
        }).toArray());
        return new Benchmark(SPACE, archs, LatencyTable.of(rows, latency, IntStream.range(0, 10).toArray()), new Pools(400, 400));
    }

    @Test
    void ranksADeviceThatNoTrainDeviceResembles() {
        Split split = new Split(List.of("gpuA", "gpuB"), List.of("gpuC"), List.of("phone"));
        var report = new Evaluator(phoneBenchmark()).evaluate(new AdditiveCostMethod(), split, 10, List.of(0L, 1L, 2L));
        DeviceScore s = report.devices().get(0);
        assertThat(s.spearman()).isGreaterThan(0.95);
        assertThat(s.mape()).isLessThan(6.0);
        assertThat(s.coverage80()).isNotNull();
        assertThat(s.coverage95()).isGreaterThanOrEqualTo(s.coverage80());
        assertThat(report.methodSummary()).contains("skip, conv1x1, conv3x3, avgpool");
        // The device mix, which can only combine the unrelated train devices, cannot rank it.
        var mix = new Evaluator(phoneBenchmark()).evaluate(new dev.halo.predict.baseline.DeviceMixMethod(), split, 10, List.of(0L, 1L, 2L));
        assertThat(mix.devices().get(0).spearman()).isLessThan(0.5);
    }

    @Test
    void predictsArchitecturesOutsideTheTableAndNeverBelowZero() {
        Benchmark b = phoneBenchmark();
        List<Nb201Arch> known = IntStream.range(0, 20).mapToObj(SPACE::fromIndex).toList();
        double[] ms = known.stream().mapToDouble(a -> 1 + 3 * new Nb201OpCounts().of(a)[2]).toArray();
        AdditiveCostPredictor p = AdditiveCostPredictor.fit(new Nb201OpCounts(), known, ms);
        Nb201Arch allConv = SPACE.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|");
        assertThat(p.predictMs(allConv)).isCloseTo(19.0, org.assertj.core.api.Assertions.within(0.1));
        assertThat(java.util.Arrays.stream(p.predictMs(SPACE.all())).min().orElseThrow()).isPositive();
        assertThat(b.archs()).hasSize(800);
    }

    @Test
    void aFittedDeviceSurvivesTheRoundTripThroughItsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        List<Nb201Arch> known = IntStream.range(0, 20).mapToObj(SPACE::fromIndex).toList();
        double[] ms = known.stream().mapToDouble(a -> 2 + 3 * new Nb201OpCounts().of(a)[2] + 0.5 * new Nb201OpCounts().of(a)[3]).toArray();
        CostModelFile.Adapted fit = CostModelFile.adapt(SPACE, "box", known, ms);
        java.nio.file.Path file = dir.resolve("box.json");
        CostModelFile.save(file, fit);
        CostModelFile.Adapted back = CostModelFile.load(file);
        assertThat(back.device()).isEqualTo("box");
        assertThat(back.predictor().predictMs(SPACE.all())).containsExactly(fit.predictor().predictMs(SPACE.all()));
        assertThat(java.nio.file.Files.readString(file)).contains("\"costsMs\"", "\"conv3x3\"").doesNotContain("NaN");
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file).replace("halo-op-costs", "something-else"));
        assertThatThrownBy(() -> CostModelFile.load(file)).isInstanceOf(BadInputException.class).hasMessageContaining("box.json: field 'format'");
        assertThatThrownBy(() -> CostModelFile.adapt(SPACE, "box", known.subList(0, 5), java.util.Arrays.copyOf(ms, 5)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("needs more than 5");
    }

    @Test
    void aDeviceFileNamesItsFeatureSetAndReloadsWithIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        CostFeatures executed = Nb201ExecutedKernels.of(SPACE.macro());
        List<Nb201Arch> known = IntStream.range(0, 30).mapToObj(i -> SPACE.fromIndex(i * 101)).filter(Nb201Space::outputConnected).toList();
        // latencies that only the executed kernels explain: a cost per zero product and per reorder
        int mul = executed.names().indexOf("Mul"), reorders = executed.names().indexOf("nchwc.ReorderInput");
        double[] ms = known.stream().mapToDouble(a -> 1 + 0.05 * executed.of(a)[mul] + 0.02 * executed.of(a)[reorders]
                + 0.1 * new Nb201OpCounts().of(a)[2]).toArray();
        CostModelFile.Adapted fit = CostModelFile.adapt(SPACE, executed, "box", known, ms);
        java.nio.file.Path file = dir.resolve("box.json");
        CostModelFile.save(file, fit);
        assertThat(java.nio.file.Files.readString(file)).contains("\"features\" : \"executed-kernels\"", "\"nchwc.ReorderInput\"");
        CostModelFile.Adapted back = CostModelFile.load(file);
        assertThat(back.predictor().features()).isSameAs(executed);
        assertThat(back.predictor().predictMs(known)).containsExactly(fit.predictor().predictMs(known));

        // a file from before feature sets were named means the space's default, op counts
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file).replace("\"features\" : \"executed-kernels\",", ""));
        assertThat(CostModelFile.load(file).predictor().features().name()).isEqualTo("op-counts");
        java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file).replace("\"format\"", "\"features\" : \"flops\", \"format\""));
        assertThatThrownBy(() -> CostModelFile.load(file)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("field 'features' is 'flops'").hasMessageContaining("op-counts, executed-kernels");
    }

    @Test
    void refusesASpaceWithoutCostFeatures() {
        Benchmark toy = ToyBenchmark.of(100, 50, 40, i -> i + 1, Map.of("a", i -> i + 1.0, "b", i -> i + 2.0));
        assertThatThrownBy(() -> new Evaluator(toy).evaluate(new AdditiveCostMethod(), new Split(List.of("a"), List.of(), List.of("b")), 10, List.of(0L)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("op-costs").hasMessageContaining("nasbench201");
    }
}
