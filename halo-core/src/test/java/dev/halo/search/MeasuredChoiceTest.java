package dev.halo.search;

import dev.halo.stats.StudentT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MeasuredChoiceTest {
    /** 300 architectures, accuracy rising with latency; predictions off by a log-normal factor (sd 0.15). */
    private record World(List<MeasuredChoice.Option<ToySpace.Arch>> options, Map<ToySpace.Arch, Double> truth, double[] looPredicted, double[] looTrue) {
        static World of(long seed) {
            Random r = new Random(seed);
            List<MeasuredChoice.Option<ToySpace.Arch>> options = new ArrayList<>();
            Map<ToySpace.Arch, Double> truth = new HashMap<>();
            for (int i = 0; i < 300; i++) {
                ToySpace.Arch a = new ToySpace.Arch(new int[] {i});
                double ms = 2 + 10 * r.nextDouble();
                double accuracy = 60 + 2 * ms + 3 * r.nextGaussian();
                truth.put(a, ms);
                options.add(new MeasuredChoice.Option<>(a, accuracy, ms * Math.exp(0.15 * r.nextGaussian())));
            }
            double[] looPredicted = new double[10], looTrue = new double[10];
            for (int i = 0; i < 10; i++) {
                looTrue[i] = 2 + 10 * r.nextDouble();
                looPredicted[i] = looTrue[i] * Math.exp(0.15 * r.nextGaussian());
            }
            return new World(options, truth, looPredicted, looTrue);
        }

        Function<ToySpace.Arch, OptionalDouble> meter(List<ToySpace.Arch> log) {
            return a -> {
                log.add(a);
                return OptionalDouble.of(truth.get(a));
            };
        }

        MeasuredChoice.Option<ToySpace.Arch> oracle(double budget) {
            return options.stream().filter(o -> truth.get(o.arch()) <= budget).max(java.util.Comparator.comparingDouble(MeasuredChoice.Option::accuracy)).orElseThrow();
        }

        MeasuredChoice.Result<ToySpace.Arch> choose(double budget, int k, List<ToySpace.Arch> log) {
            return MeasuredChoice.choose(options, List.of(), looPredicted, looTrue, budget, k, meter(log), null);
        }
    }

    @Test
    void studentDistributionFunctionMatchesTablesAndInvertsTheQuantile() {
        assertThat(StudentT.cdf(1, 1)).isCloseTo(0.75, within(1e-12));
        assertThat(StudentT.cdf(2, 2)).isCloseTo(0.5 + 1 / Math.sqrt(6), within(1e-12));
        assertThat(StudentT.cdf(1.8331, 9)).isCloseTo(0.95, within(1e-4));
        assertThat(StudentT.cdf(-2.8214, 9)).isCloseTo(0.01, within(1e-4));
        assertThat(StudentT.cdf(0, 7)).isEqualTo(0.5);
        for (int df : new int[] {3, 4, 9, 19, 30})
            for (double p : new double[] {0.02, 0.2, 0.5, 0.8, 0.95})
                assertThat(StudentT.cdf(StudentT.quantile(p, df), df)).as("df %d p %s", df, p).isCloseTo(p, within(2e-4));
    }

    @Test
    void enoughMeasurementsFindTheOracleAndEveryAnswerIsMeasuredUnderTheBudget() {
        for (long seed = 0; seed < 5; seed++) {
            World w = World.of(seed);
            for (double budget : new double[] {4, 7, 10}) {
                List<ToySpace.Arch> log = new ArrayList<>();
                var unlimited = w.choose(budget, 300, log);
                assertThat(unlimited.certified()).isTrue();
                assertThat(unlimited.arch()).isEqualTo(w.oracle(budget).arch());
                assertThat(unlimited.trueMs()).isLessThanOrEqualTo(budget).isEqualTo(w.truth().get(unlimited.arch()));
                assertThat(log).doesNotHaveDuplicates();
                var few = w.choose(budget, 3, new ArrayList<>());
                assertThat(few.measurements()).hasSizeLessThanOrEqualTo(3);
                if (few.certified()) assertThat(w.truth().get(few.arch())).isLessThanOrEqualTo(budget);
            }
        }
    }

    @Test
    void moreMeasurementsNeverChooseWorse() {
        World w = World.of(11);
        double previous = Double.NEGATIVE_INFINITY;
        for (int k : new int[] {1, 2, 3, 5, 10, 20}) {
            var r = w.choose(6, k, new ArrayList<>());
            double accuracy = r.certified() ? r.accuracy() : Double.NEGATIVE_INFINITY;
            assertThat(accuracy).as("k = %d", k).isGreaterThanOrEqualTo(previous);
            previous = accuracy;
        }
        assertThat(previous).isGreaterThan(Double.NEGATIVE_INFINITY);
    }

    @Test
    void aKnownSampleThatIsBestAndUnderTheBudgetNeedsNoMeasurement() {
        World w = World.of(3);
        var top = w.options().stream().max(java.util.Comparator.comparingDouble(MeasuredChoice.Option::accuracy)).orElseThrow();
        var known = List.of(new MeasuredChoice.Known<>(top.arch(), top.accuracy(), 5.0));
        List<ToySpace.Arch> log = new ArrayList<>();
        var r = MeasuredChoice.choose(w.options(), known, w.looPredicted(), w.looTrue(), 6, 5, w.meter(log), null);
        assertThat(r.arch()).isEqualTo(top.arch());
        assertThat(r.certified()).isTrue();
        assertThat(log).isEmpty();
    }

    @Test
    void withNothingUnderTheBudgetThePredictedChoiceStandsUnverified() {
        World w = World.of(5);
        var fallback = w.options().get(0);
        var r = MeasuredChoice.choose(w.options(), List.of(), w.looPredicted(), w.looTrue(), 1.0, 4, a -> OptionalDouble.of(50), fallback);
        assertThat(r.certified()).isFalse();
        assertThat(r.arch()).isEqualTo(fallback.arch());
        assertThat(r.trueMs()).isNaN();
        assertThat(r.measurements()).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void aFailedMeasurementIsSpentAndSkipped() {
        World w = World.of(7);
        int[] calls = {0};
        var r = MeasuredChoice.choose(w.options(), List.of(), w.looPredicted(), w.looTrue(), 8, 3,
                a -> calls[0]++ == 0 ? OptionalDouble.empty() : OptionalDouble.of(w.truth().get(a)), null);
        assertThat(r.measurements()).hasSize(3);
        assertThat(r.measurements().get(0).trueMs()).isNaN();
        assertThat(r.measurements().get(0).feasibleProbability()).isBetween(0.0, 1.0);
    }

    @Test
    void badArgumentsAreRefused() {
        World w = World.of(1);
        assertThatThrownBy(() -> w.choose(5, 0, new ArrayList<>())).isInstanceOf(BadInputException.class).hasMessageContaining("≥ 1");
        assertThatThrownBy(() -> w.choose(-1, 3, new ArrayList<>())).isInstanceOf(BadInputException.class).hasMessageContaining("budget");
        assertThatThrownBy(() -> MeasuredChoice.choose(w.options(), List.of(), new double[] {1}, new double[] {1}, 5, 3, a -> OptionalDouble.of(1), null))
                .isInstanceOf(BadInputException.class).hasMessageContaining("2 calibration samples");
    }
}
