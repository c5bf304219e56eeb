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
        // the same work and bytes in both; only the convolution's fused ReLU (the last number) tells them apart
        for (int i = 0; i < fc.length - 1; i++) assertThat(fc[i]).as(KernelFeatures.productNames().get(i)).isEqualTo(pw[i]);
        assertThat(KernelFeatures.productNames().get(fc.length - 1)).isEqualTo("activation");
    }

    @Test
    void theSameConvolutionInOrtsBlockedAndPlainLayoutsDiffersOnlyInTheLayoutFeature() {
        KernelShape blocked = KernelFixtures.conv("dw", 58, 58, 28, 3, 1, 58);
        KernelShape plain = new KernelShape("dw", "Conv", blocked.activation(), blocked.inputs(), blocked.weights(), blocked.outputs(),
                blocked.window(), blocked.stride(), blocked.group(), blocked.cost());
        KernelShape fusedPlain = new KernelShape("dw", "com.microsoft::FusedConv", blocked.activation(), blocked.inputs(), blocked.weights(),
                blocked.outputs(), blocked.window(), blocked.stride(), blocked.group(), blocked.cost());
        double[] b = KernelFeatures.of(blocked), p = KernelFeatures.of(plain), f = KernelFeatures.of(fusedPlain);
        int layout = KernelFeatures.names().indexOf("blocked_layout");
        assertThat(b[layout]).isEqualTo(1);
        assertThat(p[layout]).isZero();
        assertThat(f[layout]).isZero();
        for (int i = 0; i < b.length; i++)
            if (i != layout) assertThat(p[i]).as(KernelFeatures.names().get(i)).isEqualTo(b[i]).isEqualTo(f[i]);
    }
}
