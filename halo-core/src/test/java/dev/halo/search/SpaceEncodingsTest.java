package dev.halo.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpaceEncodingsTest {
    @ParameterizedTest
    @ValueSource(strings = {"nasbench201", "fbnet", "ofa"})
    void everyGenotypeDecodesToAValidArchitecture(String name) {
        check(Spaces.byName(name));
    }

    private static <A extends Architecture> void check(SearchSpace<A> space) {
        IntegerEncoding<A> enc = IntegerEncoding.of(space);
        int[] card = enc.cardinalities();
        Random r = new Random(1);
        for (int n = 0; n < 200; n++) {
            int[] g = new int[card.length];
            for (int i = 0; i < g.length; i++) g[i] = r.nextInt(card[i]);
            A a = enc.decode(g);
            assertThat(space.parse(a.canonical())).isEqualTo(a);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fbnet", "ofa"})
    void nsga2RunsOnSpacesWithoutAnAccuracyTable(String name) {
        front(Spaces.byName(name));
    }

    /** MFLOPs proxy up, a parameter-count "latency" down: a front exists and is non-dominated. */
    private static <A extends Architecture> void front(SearchSpace<A> space) {
        LatencyPredictor paramsMs = new LatencyPredictor() {
            @Override
            public String space() {
                return space.name();
            }

            @Override
            public double[] predictMs(List<? extends Architecture> archs) {
                return archs.stream().mapToDouble(a -> space.params(space.cast(a)) / 1e5).toArray();
            }
        };
        var p = new SearchProblem<>(space, AccuracyObjective.mflopsProxy(space), List.of(LatencyConstraint.unconstrained("params", paramsMs)));
        var r = new Nsga2Search(20).search(p, 200, 2);
        assertThat(r.evaluations()).isEqualTo(200);
        assertThat(r.front()).isNotEmpty();
        for (var a : r.front()) for (var b : r.front()) assertThat(ParetoFront.dominates(a, b)).isFalse();
    }
}
