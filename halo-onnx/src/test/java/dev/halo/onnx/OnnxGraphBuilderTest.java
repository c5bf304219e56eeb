package dev.halo.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Checks the builder's operators numerically against their PyTorch definitions. */
class OnnxGraphBuilderTest {
    /** Runs {@code body} on a {@code [1, c, h, w]} input and returns the flattened output. */
    private static float[] apply(int c, int h, int w, float[] input, BiFunction<OnnxGraphBuilder, Tensor, Tensor> body) throws Exception {
        OnnxGraphBuilder b = new OnnxGraphBuilder(1, 0);
        Tensor x = b.input(c, h, w);
        OnnxNetwork net = b.build(b.flatten(body.apply(b, x)), "test");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(net.bytes(), new OrtSession.SessionOptions());
                OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), net.inputShape());
                OrtSession.Result r = s.run(Map.of(net.inputName(), in))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] v = new float[out.remaining()];
            out.get(v);
            return v;
        }
    }

    @Test
    void channelShuffleInterleavesTheGroups() throws Exception {
        float[] out = apply(6, 1, 1, new float[] {0, 1, 2, 3, 4, 5}, (b, x) -> b.channelShuffle(x, 2));
        assertThat(out).containsExactly(0, 3, 1, 4, 2, 5);
    }

    @Test
    void activationsFollowPyTorch() throws Exception {
        float[] in = {-4, -3, -1, 0, 0.5f, 2, 3, 5};
        float[] hs = apply(8, 1, 1, in, (b, x) -> b.hardSwish(x));
        float[] hsig = apply(8, 1, 1, in, (b, x) -> b.hardSigmoid(x));
        float[] sig = apply(8, 1, 1, in, (b, x) -> b.sigmoid(x));
        for (int i = 0; i < in.length; i++) {
            double relu6 = Math.min(6, Math.max(0, in[i] + 3));
            assertThat((double) hs[i]).isCloseTo(in[i] * relu6 / 6, within(1e-6));
            assertThat((double) hsig[i]).isCloseTo(relu6 / 6, within(1e-6));
            assertThat((double) sig[i]).isCloseTo(1 / (1 + Math.exp(-in[i])), within(1e-6));
        }
    }

    @Test
    void poolingMatchesItsDefinitions() throws Exception {
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8, 9}; // one 3x3 channel
        float[] max = apply(1, 3, 3, in, (b, x) -> b.maxPool(x, 2, 1, 0));
        assertThat(max).containsExactly(5, 6, 8, 9);
        float[] avgNoPad = apply(1, 3, 3, in, (b, x) -> b.avgPool(x, 3, 1, 1, false));
        assertThat(avgNoPad[0]).isCloseTo((1 + 2 + 4 + 5) / 4f, within(1e-6f)); // corner: 4 real pixels
        float[] avgPad = apply(1, 3, 3, in, (b, x) -> b.avgPool(x, 3, 1, 1, true));
        assertThat(avgPad[0]).isCloseTo((1 + 2 + 4 + 5) / 9f, within(1e-6f));
        assertThat(apply(1, 3, 3, in, (b, x) -> b.globalAvgPool(x))).containsExactly(5);
    }

    @Test
    void zerosLikeAndSqueezeExciteStyleGating() throws Exception {
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8};
        assertThat(apply(2, 2, 2, in, (b, x) -> b.zerosLike(x))).containsOnly(0f);
        // gate = mean per channel: channel 0 mean 2.5, channel 1 mean 6.5
        float[] gated = apply(2, 2, 2, in, (b, x) -> b.mul(x, b.globalAvgPool(x)));
        assertThat(gated).containsExactly(2.5f, 5, 7.5f, 10, 32.5f, 39, 45.5f, 52);
    }

    private static float[] range(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return v;
    }

    @Test
    void rollShiftsTheGridCyclicallyLikeTorchRoll() throws Exception {
        // one channel, 3x4 grid 0..11; torch.roll(x, (1, 1), (0, 1))[i][j] = x[(i-1) mod 3][(j-1) mod 4]
        float[] out = apply(1, 3, 4, range(12), (b, x) -> b.flatten(b.roll(b.tokens(x), 3, 4, 1)));
        assertThat(out).containsExactly(11, 8, 9, 10, 3, 0, 1, 2, 7, 4, 5, 6);
        float[] back = apply(1, 3, 4, range(12), (b, x) -> b.flatten(b.roll(b.roll(b.tokens(x), 3, 4, 1), 3, 4, -1)));
        assertThat(back).containsExactly(range(12));
    }

    @Test
    void windowsMakeEachWindowContiguousAndUnwindowsUndoIt() throws Exception {
        float[] out = apply(1, 4, 4, range(16), (b, x) -> b.flatten(b.windows(b.tokens(x), 4, 4, 2)));
        assertThat(out).containsExactly(0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15);
        float[] back = apply(1, 4, 4, range(16), (b, x) -> b.flatten(b.unwindows(b.windows(b.tokens(x), 4, 4, 2), 4, 4, 2)));
        assertThat(back).containsExactly(range(16));
        assertThatThrownBy(() -> apply(1, 4, 4, range(16), (b, x) -> b.windows(b.tokens(x), 4, 4, 3))).hasMessageContaining("does not divide");
    }

    @Test
    void mergePatchesConcatenatesTheTwoByTwoNeighboursInSwinOrder() throws Exception {
        // x[0::2, 0::2], x[1::2, 0::2], x[0::2, 1::2], x[1::2, 1::2] of the grid [[0, 1], [2, 3]]
        assertThat(apply(1, 2, 2, range(4), (b, x) -> b.flatten(b.mergePatches(b.tokens(x), 2, 2)))).containsExactly(0, 2, 1, 3);
    }

    @Test
    void padGridAddsZerosBottomRightAndCropGridRemovesThem() throws Exception {
        float[] in = {1, 2, 3, 4};
        assertThat(apply(1, 2, 2, in, (b, x) -> b.flatten(b.padGrid(b.tokens(x), 2, 2, 3, 3)))).containsExactly(1, 2, 0, 3, 4, 0, 0, 0, 0);
        assertThat(apply(1, 2, 2, in, (b, x) -> b.flatten(b.cropGrid(b.padGrid(b.tokens(x), 2, 2, 3, 3), 3, 3, 2, 2)))).containsExactly(in);
    }

    @Test
    void meanOverTokensAveragesEachChannel() throws Exception {
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8}; // channel 0: 1..4, channel 1: 5..8
        assertThat(apply(2, 2, 2, in, (b, x) -> b.meanOverTokens(b.tokens(x), 2, 2))).containsExactly(2.5f, 6.5f);
    }

    @Test
    void countsParametersAndMacsLikePyTorch() {
        OnnxGraphBuilder b = new OnnxGraphBuilder(1, 0);
        Tensor x = b.input(3, 8, 8);
        x = b.batchNorm(b.conv(x, 8, 3, 2, 1, 1, true)); // 8*3*9 + 8 bias + 16 BN = 240, MACs 4*4*8*27
        x = b.conv(x, 8, 3, 1, 1, 8, false); // depthwise: 8*9 = 72, MACs 4*4*8*9
        OnnxNetwork net = b.build(b.linear(b.flatten(b.globalAvgPool(x)), 5), "t"); // 8*5 + 5 = 45
        assertThat(net.trainableParams()).isEqualTo(240 + 72 + 45);
        assertThat(OnnxGraphBuilder.trainableParameters(net.model())).isEqualTo(240 + 72 + 45);
        assertThat(net.macs()).isEqualTo(16L * 8 * 27 + 16L * 8 * 9 + 40);
    }

    @Test
    void rejectsImpossibleShapes() {
        OnnxGraphBuilder b = new OnnxGraphBuilder(1, 0);
        Tensor x = b.input(6, 4, 4);
        assertThatThrownBy(() -> b.conv(x, 8, 3, 1, 4)).hasMessageContaining("groups");
        assertThatThrownBy(() -> b.conv(x, 8, 7, 1, 0, 1, false)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> b.add(x, b.conv(x, 8, 1, 1, 1))).hasMessageContaining("cannot add");
        assertThatThrownBy(() -> new OnnxGraphBuilder(0, 0)).hasMessageContaining("batch");
    }
}
