package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.onnx.Nb201Network;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpProfilerTest {
    @TempDir Path dir;

    private static final Nb201Space SPACE = new Nb201Space();
    private static final Nb201Network NET = Nb201Network.cifar10();

    private static final MeasureSettings SETTINGS = MeasureSettings.defaults().withRuns(2, 10, 10);

    @Test
    void profilesEveryNodeAndTheTablePredictsProfiledNetworks() throws Exception {
        Nb201Arch conv = SPACE.parse("conv3x3,conv3x3,conv3x3,conv3x3,conv3x3,conv3x3");
        Nb201Arch mixed = SPACE.parse("conv1x1,skip,avgpool,none,conv1x1,skip");
        OpProfiler profiler = new OpProfiler(SETTINGS, 5);
        OnnxNetwork a = NET.export(conv, 1, 1);
        OnnxNetwork b = NET.export(mixed, 1, 1);
        Map<String, Double> ta = profiler.profile(a);
        assertThat(ta.keySet()).containsExactlyElementsOf(a.layers().stream().map(l -> l.node()).toList());
        assertThat(ta.values().stream().filter(v -> v > 0).count()).isGreaterThan(a.layers().size() / 2);
        OpLatencyTable table = OpLatencyTable.fromProfiles(List.of(OpProfiler.join(a, ta), OpProfiler.join(b, profiler.profile(b))));
        assertThat(table.msByOpType()).containsKeys("Conv", "BatchNormalization", "Relu", "AveragePool", "Gemm");
        assertThat(table.covers(b.layers())).isTrue();

        LayerwisePredictor predictor = new LayerwisePredictor("nasbench201", table, arch -> NET.structure(arch, 1));
        double[] p = predictor.predictMs(List.of(conv, mixed, SPACE.parse("none,none,none,none,none,none")));
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
        Nb201Arch arch = SPACE.parse("conv3x3,skip,avgpool,none,conv1x1,skip");
        OnnxNetwork full = NET.export(arch, 2, 5);
        OnnxNetwork structure = NET.structure(arch, 2);
        assertThat(structure.layers()).isEqualTo(full.layers());
        assertThat(structure.trainableParams()).isEqualTo(full.trainableParams());
        assertThat(structure.macs()).isEqualTo(full.macs());
    }
}
