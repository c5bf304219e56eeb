package dev.halo.measure.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.kernel.KernelKind;
import dev.halo.kernel.ProfiledKernel;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.Outcome;
import dev.halo.onnx.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelProfilerTest {
    @TempDir Path dir;

    @Test
    void oneSessionGivesTheExecutedKernelsTheirProfiledTimesAndTheModelLatency() throws Exception {
        Path f = Files.write(dir.resolve("m.onnx"), ModelZoo.parse("mobilenetv3:size=small:width=0.5:res=96").export(1, 0).bytes());
        ModelProfiler.Profile p = ModelProfiler.profile(f, Map.of(), MeasureSettings.defaults().withRuns(1, 5, 20), 3, 0);
        assertThat(p.uncosted()).isEmpty();
        assertThat(p.kernels()).isNotEmpty();
        // the optimised graph and the profiler name kernels alike: nearly every kernel got a time
        long timed = p.kernels().stream().filter(k -> k.ms() > 0).count();
        assertThat(timed).as("kernels with a profiled time").isGreaterThanOrEqualTo(p.kernels().size() - 2);
        assertThat(p.kernels().stream().mapToDouble(ProfiledKernel::ms).sum()).isCloseTo(p.profiledMs(), org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(p.kernels()).anyMatch(k -> KernelKind.of(k.shape()) == KernelKind.CONV_DEPTHWISE)
                .anyMatch(k -> KernelKind.of(k.shape()) == KernelKind.CONV_POINTWISE);
        assertThat(p.latency()).isInstanceOf(Outcome.Measured.class);
        // what ORT executes at level ALL: BatchNormalization folded into the convolutions
        assertThat(p.kernels()).noneMatch(k -> k.shape().op().equals("BatchNormalization"));
    }
}
