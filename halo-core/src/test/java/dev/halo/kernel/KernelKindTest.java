package dev.halo.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.graph.NodeCost;
import dev.halo.graph.TensorShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelKindTest {
    @Test
    void convolutionsAreSortedByWhatBoundsThem() {
        assertThat(KernelKind.of(KernelFixtures.conv("a", 32, 64, 16, 3, 1, 1))).isEqualTo(KernelKind.CONV_DENSE);
        assertThat(KernelKind.of(KernelFixtures.conv("b", 32, 64, 16, 1, 1, 1))).isEqualTo(KernelKind.CONV_POINTWISE);
        assertThat(KernelKind.of(KernelFixtures.conv("c", 32, 32, 16, 3, 1, 32))).isEqualTo(KernelKind.CONV_DEPTHWISE);
        assertThat(KernelKind.of(KernelFixtures.conv("d", 64, 64, 16, 3, 1, 8))).isEqualTo(KernelKind.CONV_GROUPED);
    }

    @Test
    void otherOperatorsByName() {
        assertThat(KernelKind.of(other("com.microsoft::FusedMatMul"))).isEqualTo(KernelKind.MATMUL);
        assertThat(KernelKind.of(other("com.microsoft.nchwc::ReorderOutput"))).isEqualTo(KernelKind.LAYOUT);
        assertThat(KernelKind.of(other("com.microsoft::SkipLayerNormalization"))).isEqualTo(KernelKind.NORM);
        assertThat(KernelKind.of(other("Concat"))).isEqualTo(KernelKind.DATA_MOVEMENT);
        assertThat(KernelKind.of(other("com.microsoft::Gelu"))).isEqualTo(KernelKind.ELEMENTWISE);
        assertThat(KernelKind.of(other("com.microsoft.nchwc::GlobalAveragePool"))).isEqualTo(KernelKind.POOL);
    }

    @Test
    void featuresHaveOneValuePerNameAndMarkTheKind() {
        double[] x = KernelFeatures.of(KernelFixtures.conv("a", 32, 64, 16, 3, 2, 1));
        assertThat(x).hasSize(KernelFeatures.names().size());
        assertThat(x[KernelKind.CONV_DENSE.ordinal()]).isEqualTo(1);
        assertThat(x[KernelFeatures.names().indexOf("stride")]).isEqualTo(2);
        assertThat(x[KernelFeatures.names().indexOf("log_macs")]).isGreaterThan(10);
    }

    private static KernelShape other(String op) {
        return new KernelShape("n", op, "", List.of(TensorShape.of(1, 8, 4, 4)), List.of(), List.of(TensorShape.of(1, 8, 4, 4)), new long[] {0, 0},
                new long[] {1, 1}, 1, NodeCost.ZERO);
    }
}
