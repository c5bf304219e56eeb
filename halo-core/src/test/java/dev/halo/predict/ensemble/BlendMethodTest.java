package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.eval.DeviceScore;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.fewshot.ToyBenchmark;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class BlendMethodTest {
    static final IntToDoubleFunction A = i -> (i * 7919L) % 1000 + 10;
    static final Split SPLIT = new Split(List.of("train"), List.of("valid"), List.of("target"));

    static Benchmark benchmark() {
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("train", i -> A.applyAsDouble(i) / 50 + 1);
        d.put("valid", i -> A.applyAsDouble(i) / 40 + 2);
        d.put("target", i -> A.applyAsDouble(i) / 30 + 3);
        return ToyBenchmark.of(600, 300, 200, A, d);
    }

    /** An oracle that knows every device's truth and multiplies it by a fixed per-row error pattern. */
    static FewShotMethod noisyOracle(Benchmark b, String name, double amplitude, double phase) {
        return new FewShotMethod() {
            @Override public String name() { return name; }

            @Override
            public Adapter prepare(FewShotContext context) {
                return task -> new LatencyPredictor() {
                    @Override public String space() { return "toy"; }

                    @Override
                    public double[] predictMs(List<? extends Architecture> archs) {
                        double[] truth = b.table().latencies(task.device());
                        return archs.stream().mapToInt(a -> ((ToyBenchmark.ToyArch) a).row())
                                .mapToDouble(r -> truth[r] * Math.exp(amplitude * Math.sin(r * 1.7 + phase))).toArray();
                    }
                };
            }
        };
    }

    @Test
    void twoPredictorsWithIndependentErrorsBlendBetterThanEither() {
        Benchmark b = benchmark();
        FewShotMethod x = noisyOracle(b, "x", 0.3, 0), y = noisyOracle(b, "y", 0.3, Math.PI); // opposite errors
        DeviceScore blend = new Evaluator(b).evaluate(new BlendMethod("blend", x, y), SPLIT, 10, List.of(0L)).devices().get(0);
        DeviceScore alone = new Evaluator(b).evaluate(x, SPLIT, 10, List.of(0L)).devices().get(0);
        assertThat(blend.spearman()).isCloseTo(1.0, within(1e-9));
        assertThat(alone.spearman()).isLessThan(0.95);
    }

    @Test
    void aUselessSecondMemberGetsWeightZero() {
        Benchmark b = benchmark();
        FewShotMethod good = noisyOracle(b, "good", 0.01, 0), bad = noisyOracle(b, "bad", 3, 1);
        var adapter = new BlendMethod("blend", good, bad).prepare(new FewShotContext(b, SPLIT, 10));
        assertThat(adapter.summary()).startsWith("weight 0.0 on bad");
    }

    @Test
    void perDeviceWeightsFollowWhichMemberPredictsTheReferenceArchitectures() {
        // "mixable" is an exact mix of the train device; "alien" follows a hidden factor no train device measures.
        IntToDoubleFunction hidden = i -> (i * 104729L) % 997 + 20;
        Map<String, IntToDoubleFunction> d = new LinkedHashMap<>();
        d.put("train", i -> A.applyAsDouble(i) / 50 + 1);
        d.put("valid", i -> A.applyAsDouble(i) / 40 + 2);
        d.put("mixable", i -> A.applyAsDouble(i) / 30 + 3);
        d.put("alien", i -> hidden.applyAsDouble(i) / 30 + 3);
        Benchmark b = ToyBenchmark.of(600, 300, 200, A, d);
        FewShotMethod oracle = noisyOracle(b, "oracle", 0.05, 0);
        Split split = new Split(List.of("train"), List.of("valid"), List.of("mixable", "alien"));
        var report = new Evaluator(b).evaluate(new BlendMethod("blend", FeatureMixMethod.devicesOnly(), oracle, true), split, 10, List.of(0L, 1L));
        DeviceScore mixable = report.devices().get(0), alien = report.devices().get(1);
        assertThat(mixable.spearman()).isCloseTo(1.0, within(1e-6)); // the exact mix wins: weight 0 on the noisy oracle
        DeviceScore oracleAlone = new Evaluator(b).evaluate(oracle, split, 10, List.of(0L, 1L)).devices().get(1);
        assertThat(alien.spearman()).isGreaterThan(0.9).isCloseTo(oracleAlone.spearman(), within(0.05));
        assertThat(report.methodSummary()).startsWith("weight on oracle chosen per device");
    }

    @Test
    void theKnownRowWeightFollowsTheMemberWhoseLeaveOneOutErrorsVaryLeast() {
        double[] truth = {5, 7, 11, 13, 17, 19, 23, 29};
        double[] exact = truth.clone(), scaled = java.util.Arrays.stream(truth).map(v -> 2 * v).toArray();
        double[] noisy = new double[truth.length];
        for (int i = 0; i < truth.length; i++) noisy[i] = truth[i] * (1 + 0.3 * Math.sin(3.0 * i));
        assertThat(BlendMethod.smallestSpread(exact, noisy, truth)).isEqualTo(0.0);
        assertThat(BlendMethod.smallestSpread(noisy, exact, truth)).isEqualTo(1.0);
        // An offset in log space (a scale error) costs nothing: the ranking is the same.
        assertThat(BlendMethod.smallestSpread(noisy, scaled, truth)).isEqualTo(1.0);
        // Errors of opposite sign cancel in the middle.
        double[] up = new double[truth.length], down = new double[truth.length];
        for (int i = 0; i < truth.length; i++) {
            double e = 0.2 * (i % 2 == 0 ? 1 : -1);
            up[i] = truth[i] * Math.exp(e);
            down[i] = truth[i] * Math.exp(-e);
        }
        assertThat(BlendMethod.smallestSpread(up, down, truth)).isEqualTo(0.5);
    }
}
