package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.FbnetMacro;
import dev.halo.space.FbnetSpace;
import org.junit.jupiter.api.Test;

class FbnetCostFeaturesTest {
    static final FbnetSpace SPACE = new FbnetSpace(FbnetMacro.cifar100());

    /**
     * Values worked out independently (a numpy prototype written from the macro's definition, not from this class) for
     * two architectures of HELP's FBNet table: one with a skip that is a 1×1 conv (layer 1, 16→24 channels), one whose
     * skips are identities.
     */
    @Test
    void agreesWithAnIndependentComputation() {
        CostFeatures f = CostFeatures.forSpace(SPACE).orElseThrow();
        assertThat(f.names()).containsExactly("pw_full", "dw_full", "pw_reduced", "dw_reduced", "blocks", "skip_convs", "grouped", "weights");
        assertThat(f.of(SPACE.parse("1866803437874325730137")))
                .containsExactly(new double[] {8.323072, 3.833856, 57.009152, 4.588288, 19, 1, 3, 1.812904}, within(1e-6));
        assertThat(f.of(SPACE.parse("5485168530480245066005")))
                .containsExactly(new double[] {3.866624, 1.654784, 21.219840, 2.280960, 19, 0, 6, 0.669544}, within(1e-6));
        assertThat(f.nonNegativeCosts()).isTrue();
    }
}
