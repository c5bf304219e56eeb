package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KernelFeaturesTest {
    @Test
    void matrixProductsArePricedApartAndPointwiseConvolutionsTeachThem() {
        assertThat(KernelFeatures.isMatrixProduct(KernelFixtures.matmul("mm", 2, 49, 64, 32))).isTrue();
        assertThat(KernelFeatures.isMatrixProduct(KernelFixtures.gemm("fc", 1, 512, 1000))).isTrue();
        KernelShape pointwise = KernelFixtures.conv("pw", 64, 32, 7, 1, 1, 1);
        assertThat(KernelFeatures.isMatrixProduct(pointwise)).isFalse();
        assertThat(KernelFeatures.teachesProducts(pointwise)).isTrue();
        assertThat(KernelFeatures.teachesProducts(KernelFixtures.conv("3x3", 64, 32, 7, 3, 1, 1))).isFalse();
        assertThat(KernelFeatures.teachesProducts(KernelFixtures.conv("dw", 64, 64, 7, 3, 1, 64))).isFalse();
        assertThat(KernelFeatures.teachesProducts(KernelFixtures.add("add", 64, 7))).isFalse();
    }

    @Test
    void aMatrixProductAndThePointwiseConvolutionWithItsWorkHaveTheSameDimensions() {
        // batch, M, K, N: an attention head is a batch index; a convolution's rows are its output pixels
        assertThat(KernelFeatures.productDimensions(KernelFixtures.matmul("mm", 2, 49, 64, 32))).containsExactly(2, 49, 64, 32);
        assertThat(KernelFeatures.productDimensions(KernelFixtures.conv("pw", 64, 32, 7, 1, 1, 1))).containsExactly(1, 49, 64, 32);
        assertThat(KernelFeatures.productDimensions(KernelFixtures.conv("s2", 64, 32, 14, 1, 2, 1))).containsExactly(1, 49, 64, 32);
        double[] fc = KernelFeatures.product(KernelFixtures.gemm("fc", 49, 64, 32));
        double[] pw = KernelFeatures.product(KernelFixtures.conv("pw", 64, 32, 7, 1, 1, 1));
        assertThat(fc).hasSize(KernelFeatures.productSize());
        // the same work and bytes in both, and the ReLU fused into the blocked convolution costs no second pass
        assertThat(fc).containsExactly(pw);
        assertThat(KernelFeatures.productNames().get(fc.length - 1)).isEqualTo("activation_pass");
    }

    @Test
    void aFusedActivationIsPricedByTheSecondPassItCosts() {
        KernelShape blocked = KernelFixtures.conv("dw", 64, 64, 7, 3, 1, 64);
        assertThat(KernelFeatures.activationPass(withActivation(blocked, blocked.op(), ""))).isZero();
        // MLAS clamps a blocked kernel's accumulators for ReLU; every other activation, and ReLU of a plain kernel, is a second pass
        assertThat(KernelFeatures.activationPass(withActivation(blocked, blocked.op(), "Relu"))).isZero();
        assertThat(KernelFeatures.activationPass(withActivation(blocked, "com.microsoft::FusedConv", "Relu"))).isEqualTo(1);
        assertThat(KernelFeatures.activationPass(withActivation(blocked, blocked.op(), "Clip"))).isEqualTo(1);
        assertThat(KernelFeatures.activationPass(withActivation(blocked, blocked.op(), "HardSigmoid"))).isEqualTo(1);
        assertThat(KernelFeatures.activationPass(withActivation(blocked, blocked.op(), "Sigmoid"))).isEqualTo(2);
        int at = KernelFeatures.names().indexOf("activation_pass");
        assertThat(KernelFeatures.of(withActivation(blocked, blocked.op(), "Clip"))[at]).isEqualTo(1);
    }

    private static KernelShape withActivation(KernelShape k, String op, String activation) {
        return new KernelShape(k.node(), op, activation, k.inputs(), k.weights(), k.outputs(), k.window(), k.stride(), k.group(), k.cost());
    }
}
