package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.FbnetSpace;
import dev.halo.space.OfaSpace;
import org.junit.jupiter.api.Test;

class OfaCostFeaturesTest {
    static final OfaSpace SPACE = new OfaSpace();

    /**
     * Values worked out independently (the numpy prototype of the selection, written from once-for-all's definition, not
     * from this class). By hand for the smallest subnet (r128, depth 2 everywhere, kernel 3, expand 3): the stem runs at
     * 64×64 with 24 channels (16·1.2 rounds to 24), so it costs 64²·3·9·24 = 2.654208 M MACs and the fixed first block
     * 64²·24·24 = 2.359296 M dense and 64²·24·9 = 0.884736 M depthwise; 10 searchable blocks, 6 of them in the three
     * squeeze-excite stages.
     */
    @Test
    void agreesWithAnIndependentComputation() {
        CostFeatures f = CostFeatures.forSpace(SPACE).orElseThrow();
        assertThat(f.name()).isEqualTo("block-costs");
        assertThat(f.names()).containsExactly("conv_macs", "dw_macs", "blocks", "se_blocks");
        assertThat(f.of(SPACE.parse("r128_d22222_ks33--33--33--33--33--_e33--33--33--33--33--")))
                .containsExactly(new double[] {58.0608, 3.777408, 10, 6}, within(1e-9));
        assertThat(f.of(SPACE.parse("r224_d44444_ks77777777777777777777_e66666666666666666666")))
                .containsExactly(new double[] {623.56224, 212.576112, 20, 12}, within(1e-9));
        assertThat(f.of(SPACE.parse("r176_d23423_ks35--573-735735--573-_e34--463-634634--463-")))
                .containsExactly(new double[] {183.737856, 29.394176, 14, 8}, within(1e-9));
        assertThat(f.nonNegativeCosts()).isTrue();
    }

    /**
     * The executed-kernels set adds the element-wise work (h-swish and SE multiplies), also from the independent
     * computation. By hand for the smallest subnet: the stem's h-swish is 24·64² = 98,304 elements, the final expand's
     * 1152·4² = 18,432; the rest are the h-swish stages' blocks and the SE multiplies.
     */
    @Test
    void executedKernelsAddTheElementwiseWork() {
        CostFeatures f = CostFeatures.named(SPACE, "executed-kernels").orElseThrow();
        assertThat(f.names()).containsExactly("conv_macs", "dw_macs", "blocks", "se_blocks", "eltwise_melems");
        assertThat(CostFeatures.namesFor(SPACE)).containsExactly("block-costs", "executed-kernels");
        assertThat(f.of(SPACE.parse("r128_d22222_ks33--33--33--33--33--_e33--33--33--33--33--")))
                .containsExactly(new double[] {58.0608, 3.777408, 10, 6, 0.461568}, within(1e-9));
        assertThat(f.of(SPACE.parse("r224_d44444_ks77777777777777777777_e66666666666666666666")))
                .containsExactly(new double[] {623.56224, 212.576112, 20, 12, 4.671072}, within(1e-9));
        assertThat(f.of(SPACE.parse("r176_d23423_ks35--573-735735--573-_e34--463-634634--463-")))
                .containsExactly(new double[] {183.737856, 29.394176, 14, 8, 1.568256}, within(1e-9));
    }

    @Test
    void theSmallestSubnetCostsLessThanTheLargestInEveryFeature() {
        CostFeatures f = CostFeatures.forSpace(SPACE).orElseThrow();
        double[] small = f.of(SPACE.parse("r128_d22222_ks33--33--33--33--33--_e33--33--33--33--33--"));
        double[] large = f.of(SPACE.parse("r224_d44444_ks77777777777777777777_e66666666666666666666"));
        for (int i = 0; i < small.length; i++) assertThat(small[i]).as(f.names().get(i)).isLessThan(large[i]);
    }

    @Test
    void refusesAnotherSpacesArchitecture() {
        CostFeatures f = CostFeatures.forSpace(SPACE).orElseThrow();
        assertThatThrownBy(() -> f.of(new FbnetSpace().parse("1866803437874325730137"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an OFA architecture");
    }
}
