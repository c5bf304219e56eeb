package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.onnx.Nb201Network;
import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.space.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpProfilerTest {
    @TempDir Path dir;

    /** A stand-in architecture: the six NAS-Bench-201 edge ops, comma-separated. */
    record Cell(String canonical) implements Architecture {
        @Override
        public String space() {
            return "nasbench201";
        }

        List<String> ops() {
            return Arrays.asList(canonical.split(","));
        }
    }

    private static final MeasureSettings SETTINGS = MeasureSettings.defaults().withRuns(2, 10, 10);

    @Test
    void profilesEveryNodeAndTheTablePredictsProfiledNetworks() throws Exception {
        Cell conv = new Cell(String.join(",", Collections.nCopies(6, "nor_conv_3x3")));
        Cell mixed = new Cell("nor_conv_1x1,skip_connect,avg_pool_3x3,none,nor_conv_1x1,skip_connect");
        OpProfiler profiler = new OpProfiler(SETTINGS, 5);
        OnnxNetwork a = Nb201Network.export(conv.ops(), 1, 1);
        OnnxNetwork b = Nb201Network.export(mixed.ops(), 1, 1);
        Map<String, Double> ta = profiler.profile(a);
        assertThat(ta.keySet()).containsExactlyElementsOf(a.layers().stream().map(l -> l.node()).toList());
        assertThat(ta.values().stream().filter(v -> v > 0).count()).isGreaterThan(a.layers().size() / 2);
        OpLatencyTable table = OpLatencyTable.fromProfiles(List.of(OpProfiler.join(a, ta), OpProfiler.join(b, profiler.profile(b))));
        assertThat(table.msByOpType()).containsKeys("Conv", "BatchNormalization", "Relu", "AveragePool", "Gemm");
        assertThat(table.covers(b.layers())).isTrue();

        LayerwisePredictor predictor = new LayerwisePredictor("nasbench201", table,
                arch -> Nb201Network.export(((Cell) arch).ops(), OnnxGraphBuilder.structureOnly(1)));
        double[] p = predictor.predictMs(List.of(conv, mixed, new Cell(String.join(",", Collections.nCopies(6, "none")))));
        assertThat(p[0]).isGreaterThan(p[1]).isGreaterThan(0);
        assertThat(p[1]).isGreaterThan(p[2]).isGreaterThan(0);

        Path file = dir.resolve("ops.tsv");
        table.write(file);
        OpLatencyTable back = OpLatencyTable.read(file);
        assertThat(back.networkMs(a.layers())).isCloseTo(table.networkMs(a.layers()), within(1e-3 * table.networkMs(a.layers())));
    }

    @Test
    void parsesOrtTraceAndDropsWarmupEvents() throws Exception {
        Path trace = dir.resolve("t.json");
        Files.writeString(trace, """
                [{"cat":"Session","name":"model_run","dur":900},
                 {"cat":"Node","name":"conv_0_fence_before","dur":1},
                 {"cat":"Node","name":"conv_0_kernel_time","dur":500,"args":{"op_name":"Conv"}},
                 {"cat":"Node","name":"conv_0_kernel_time","dur":100},
                 {"cat":"Node","name":"conv_0_kernel_time","dur":300},
                 {"cat":"Node","name":"Relu_1_kernel_time","dur":20}]""");
        Map<String, Double> t = OpProfiler.kernelTimes(trace, 1);
        assertThat(t.get("conv_0")).isCloseTo(0.2, within(1e-12));
        assertThat(t.get("Relu_1")).isZero(); // its only event was a warm-up run
    }

    @Test
    void structureOnlyExportHasTheSameLayersAndCounts() {
        List<String> ops = List.of("nor_conv_3x3", "skip_connect", "avg_pool_3x3", "none", "nor_conv_1x1", "skip_connect");
        OnnxNetwork full = Nb201Network.export(ops, 2, 5);
        OnnxNetwork structure = Nb201Network.export(ops, OnnxGraphBuilder.structureOnly(2));
        assertThat(structure.layers()).isEqualTo(full.layers());
        assertThat(structure.trainableParams()).isEqualTo(full.trainableParams());
        assertThat(structure.macs()).isEqualTo(full.macs());
    }
}
