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
        // the same work and bytes in both; only the convolution's fused ReLU tells them apart
        int activation = KernelFeatures.productNames().indexOf("activation");
        for (int i = 0; i < fc.length; i++)
            if (i != activation) assertThat(fc[i]).as(KernelFeatures.productNames().get(i)).isEqualTo(pw[i]);
        assertThat(fc[activation]).isNotEqualTo(pw[activation]);
    }

    @Test
    void aKernelTimedAloneIsMarkedAndEveryPredictionAsksForOneInsideANetwork() {
        KernelShape conv = KernelFixtures.conv("c", 64, 64, 14, 3, 1, 1);
        int last = KernelFeatures.size() - 1, lastProduct = KernelFeatures.productSize() - 1;
        assertThat(KernelFeatures.names().get(last)).isEqualTo("isolated");
        assertThat(KernelFeatures.of(conv)[last]).isZero();
        assertThat(KernelFeatures.of(conv, true)[last]).isEqualTo(1);
        assertThat(KernelFeatures.product(conv, true)[lastProduct]).isEqualTo(1);
        assertThat(KernelFeatures.product(conv)[lastProduct]).isZero();
    }
}
