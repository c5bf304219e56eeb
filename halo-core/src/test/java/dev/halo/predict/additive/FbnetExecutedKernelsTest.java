package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetSpace;
import org.junit.jupiter.api.Test;

/** FBNet's executed-kernel features on hand-checked cases (halo-onnx compares them with ONNX Runtime's optimised graph). */
class FbnetExecutedKernelsTest {
    private static final FbnetSpace SPACE = new FbnetSpace();

    @Test
    void groupedBlocksOnChannelsTheBlockDoesNotDivideRunInThePlainLayout() {
        // all k3_e1_g2: at block 8 the g2 convs on 24 and 184 channels (12 and 92 per group) are plain, on 16, 32, 64,
        // 112 and 352 channels blocked; at block 16 also those on 16 and 112 (8 and 56 per group) are plain
        FbnetArch grouped = SPACE.parse("1111111111111111111111");
        double plain8 = new FbnetExecutedKernels(SPACE.macro(), 8).of(grouped)[2];
        double plain16 = new FbnetExecutedKernels(SPACE.macro(), 16).of(grouped)[2];
        assertThat(plain8).isPositive();
        assertThat(plain16).isGreaterThan(plain8);
        // all skips: stem, the six 1x1 convs where a stage changes channels or stride, the head; nothing plain, no shuffle
        double[] skips = new FbnetExecutedKernels(SPACE.macro(), 8).of(SPACE.parse("8888888888888888888888"));
        assertThat(skips[2]).isZero();
        assertThat(skips[3]).isEqualTo(1 + 6 + 1 + 3 + 1); // + pool, flatten, gemm, and the pooled vector's ReorderOutput
    }

    @Test
    void anAllSkipNetworkRunsTheStemTheStageChangesAndTheHead() {
        double[] f = new FbnetExecutedKernels(SPACE.macro(), 8).of(SPACE.parse("8888888888888888888888"));
        // stem 32x32x16 from 3x3x3; 1x1 skip convs 16->24 (32x32), 24->32 (16x16), 32->64 (8x8), 64->112 (8x8),
        // 112->184 (4x4), 184->352 (4x4); head 352->1504 (4x4); all dense and blocked
        double macs = 32 * 32 * 16 * 27 + 32 * 32 * 16 * 24 + 16 * 16 * 24 * 32 + 8 * 8 * 32 * 64 + 8 * 8 * 64 * 112 + 4 * 4 * 112 * 184
                + 4 * 4 * 184 * 352 + 4 * 4 * 352 * 1504;
        assertThat(f).containsExactly(new double[] {macs / 1e6, 0, 0, 12, 1504 / 1e6}, within(1e-9));
    }

    @Test
    void theBlockMustBeOneOrtHas() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new FbnetExecutedKernels(SPACE.macro(), 4)).hasMessageContaining("8 or 16");
    }
}
