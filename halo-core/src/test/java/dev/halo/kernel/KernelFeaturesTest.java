package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.graph.NodeCost;
import dev.halo.graph.TensorShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelFeaturesTest {
    private static final List<String> SAME_WORK = List.of("kind_pointwise-or-matmul", "log_macs", "log_channels_in", "log_channels_out", "window_h",
            "window_w", "stride", "log_groups", "log_spatial_out");

    @Test
    void aMatrixProductIsDescribedAsThePointwiseConvolutionWithTheSameWork() {
        // 196 rows × 768 → 3072: a ViT-B MLP layer on 14×14 patches, and a 1×1 convolution from 768 to 3072 channels at 14×14
        KernelShape conv = KernelFixtures.conv("c", 768, 3072, 14, 1, 1, 1);
        long macs = 196L * 768 * 3072;
        KernelShape gemm = new KernelShape("g", "Gemm", "", List.of(TensorShape.of(196, 768)), List.of(TensorShape.of(768, 3072), TensorShape.of(3072)),
                List.of(TensorShape.of(196, 3072)), new long[] {0, 0}, new long[] {1, 1}, 1,
                new NodeCost(macs, 2 * macs, 768 * 3072 + 3072, 0, 4 * 196 * 768, 4 * (768 * 3072 + 3072), 4 * 196 * 3072));
        double[] c = KernelFeatures.of(conv), g = KernelFeatures.of(gemm);
        for (String name : SAME_WORK) assertThat(g[index(name)]).as(name).isEqualTo(c[index(name)]);
        assertThat(g[index("window_h")]).isEqualTo(1);
        assertThat(g[index("log_spatial_out")]).isEqualTo(Math.log1p(196));
    }

    @Test
    void attentionHeadsAreTheGroupsOfTheProduct() {
        // Q·Kᵀ of 12 heads over 197 tokens of 64 dimensions: 12 products of 197×64 by 64×197, a 1×1 convolution in 12 groups
        long macs = 12L * 197 * 64 * 197;
        KernelShape scores = new KernelShape("s", "com.microsoft::FusedMatMul", "", List.of(TensorShape.of(1, 12, 197, 64), TensorShape.of(1, 12, 64, 197)),
                List.of(), List.of(TensorShape.of(1, 12, 197, 197)), new long[] {0, 0}, new long[] {1, 1}, 1,
                new NodeCost(macs, 2 * macs, 0, 0, 8 * 12 * 197 * 64, 0, 4 * 12 * 197 * 197));
        double[] s = KernelFeatures.of(scores);
        assertThat(s[index("kind_pointwise-or-matmul")]).isEqualTo(1);
        assertThat(s[index("log_groups")]).isEqualTo(Math.log1p(12));
        assertThat(s[index("log_spatial_out")]).isEqualTo(Math.log1p(197));
        assertThat(s[index("log_channels_in")]).isEqualTo(Math.log1p(12 * 64));
        assertThat(s[index("log_channels_out")]).isEqualTo(Math.log1p(12 * 197));
    }

    @Test
    void convolutionsKeepTheirOwnIndicatorsAndDescription() {
        double[] dense = KernelFeatures.of(KernelFixtures.conv("d", 64, 64, 16, 3, 1, 1));
        double[] grouped = KernelFeatures.of(KernelFixtures.conv("g", 64, 64, 16, 3, 1, 8));
        double[] depthwise = KernelFeatures.of(KernelFixtures.conv("w", 32, 32, 8, 3, 1, 32));
        assertThat(dense[index("kind_conv-dense")]).isEqualTo(1);
        assertThat(grouped[index("kind_conv-grouped")]).isEqualTo(1);
        assertThat(depthwise[index("kind_conv-depthwise")]).isEqualTo(1);
        for (double[] x : List.of(dense, grouped, depthwise)) assertThat(x[index("kind_pointwise-or-matmul")]).isZero();
        assertThat(dense[index("window_h")]).isEqualTo(3);
        assertThat(grouped[index("log_groups")]).isEqualTo(Math.log1p(8));
        assertThat(KernelFeatures.of(KernelFixtures.add("a", 32, 8))[index("kind_elementwise")]).isEqualTo(1);
    }

    private static int index(String name) {
        int i = KernelFeatures.names().indexOf(name);
        assertThat(i).as(name).isNotNegative();
        return i;
    }
}
