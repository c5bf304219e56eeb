package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.BadInputException;
import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeometricEnsembleTest {
    /** Predicts {@code factor × (1 + the task's first sample latency)} for every architecture, interval ×/÷ 2. */
    private record Scaled(String name, double factor, boolean ms) implements FewShotMethod {
        @Override
        public boolean predictsMilliseconds() {
            return ms;
        }

        @Override
        public Adapter prepare(FewShotContext context) {
            return task -> new LatencyPredictor() {
                final double v = factor * (1 + task.sampleLatencies()[0]);

                @Override
                public String space() {
                    return "toy";
                }

                @Override
                public double[] predictMs(List<? extends Architecture> archs) {
                    return archs.stream().mapToDouble(a -> v).toArray();
                }

                @Override
                public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
                    return archs.stream().map(a -> new Prediction(v, v / 2, v * 2)).toArray(Prediction[]::new);
                }
            };
        }
    }

    private static final Architecture ARCH = new Architecture() {
        @Override
        public String space() {
            return "toy";
        }

        @Override
        public String canonical() {
            return "a";
        }
    };

    @Test
    void predictsTheGeometricMeanOfItsMembersAdaptedToTheSameTask() {
        var ensemble = new GeometricEnsemble(List.of(new Scaled("a", 1, true), new Scaled("b", 4, true)));
        assertThat(ensemble.name()).isEqualTo("ensemble(a,b)");
        FewShotTask task = new FewShotTask("d", 0, new int[] {0}, new double[] {1}, new int[] {1}, new double[] {1}, new int[] {2});
        LatencyPredictor p = ensemble.prepare(null).adapt(task);
        assertThat(p.predictMs(List.of(ARCH))[0]).isCloseTo(4.0, within(1e-12)); // sqrt(2 × 8)
        LatencyPredictor.Prediction i = p.predictWithInterval(List.of(ARCH), 0.8)[0];
        assertThat(i.lowerMs()).isCloseTo(2.0, within(1e-12));
        assertThat(i.upperMs()).isCloseTo(8.0, within(1e-12));
    }

    @Test
    void refusesFewerThanTwoMembersAndRankOnlyMembers() {
        assertThatThrownBy(() -> new GeometricEnsemble(List.of(new Scaled("a", 1, true)))).isInstanceOf(BadInputException.class)
                .hasMessageContaining("at least 2 members");
        assertThatThrownBy(() -> new GeometricEnsemble(List.of(new Scaled("a", 1, true), new Scaled("flops", 1, false))))
                .isInstanceOf(BadInputException.class).hasMessageContaining("flops does not predict milliseconds");
    }
}
