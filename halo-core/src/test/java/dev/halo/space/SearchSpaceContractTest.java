package dev.halo.space;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties every registered space must have, checked on random architectures. */
class SearchSpaceContractTest {

    @Test
    void everySpaceHonoursTheContract() {
        for (SearchSpace<?> space : Spaces.all()) check(space);
    }

    private static <A extends Architecture> void check(SearchSpace<A> space) {
        var rng = new SplittableRandom(space.name().hashCode());
        int length = space.flatEncoding(space.sample(rng)).length;
        for (int i = 0; i < 300; i++) {
            A a = space.sample(rng);
            assertThat(a.space()).isEqualTo(space.name());
            assertThat(space.parse(a.canonical())).isEqualTo(a);
            assertThat(space.cast(a)).isSameAs(a);
            A b = space.mutate(a, rng);
            assertThat(b).as("%s mutation of %s", space.name(), a).isNotEqualTo(a);
            assertThat(space.parse(b.canonical())).isEqualTo(b);
            double[] x = space.flatEncoding(a);
            assertThat(x).hasSize(length);
            for (double v : x) assertThat(v).isIn(0.0, 1.0);
            assertThat(space.mflops(a)).isPositive();
            assertThat(space.params(a)).isPositive();
            if (i % 100 == 0) assertThat(space.neighbours(a)).allSatisfy(n -> assertThat(n).isNotEqualTo(a));
        }
        assertThat(Spaces.byName(space.name())).isSameAs(space);
    }

    @Test
    void aliases() {
        assertThat(Spaces.byName("NB201")).isInstanceOf(Nb201Space.class);
        assertThat(Spaces.byName("ofa_mbv3")).isInstanceOf(OfaSpace.class);
    }
}
