package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Benchmarks;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.FewShotTask;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A HELP model adapted without z draws reports the leave-one-out interval, at the levels its samples support. */
class HelpIntervalsTest {
    @Test
    void anAdaptedModelGivesLeaveOneOutIntervalsWhereTenSamplesCanSupportThem() {
        Benchmark benchmark = Benchmarks.load(SharedData.path("help/nasbench201"), "nasbench201");
        var method = new HelpFewShotMethod(HelpModelFile.load(Path.of("..", "models", "help-nasbench201.json.gz")), HelpAdaptation.Options.DEFAULT);
        var adapter = method.prepare(new FewShotContext(benchmark, Split.helpDefault("nasbench201"), 10));
        FewShotTask task = new FewShotProtocol(benchmark.table(), benchmark.pools()).task("gold_6226", 10, 0);
        LatencyPredictor p = adapter.adapt(task);
        List<Architecture> some = Arrays.stream(task.queryIndices()).limit(50).mapToObj(i -> (Architecture) benchmark.archs().get(i)).toList();
        double[] point = p.predictMs(some);
        LatencyPredictor.Prediction[] at80 = p.predictWithInterval(some, 0.8);
        for (int i = 0; i < some.size(); i++) {
            assertThat(at80[i].ms()).isEqualTo(point[i]);
            assertThat(at80[i].lowerMs()).isLessThan(point[i]);
            assertThat(at80[i].upperMs()).isGreaterThan(point[i]);
            assertThat(at80[i].upperMs() / point[i]).isCloseTo(point[i] / at80[i].lowerMs(), org.assertj.core.api.Assertions.within(1e-9));
        }
        // 95 % needs at least 19 left-out samples: no claim (zero width) rather than a made-up one.
        LatencyPredictor.Prediction at95 = p.predictWithInterval(some, 0.95)[0];
        assertThat(at95.lowerMs()).isEqualTo(at95.upperMs());
    }
}
