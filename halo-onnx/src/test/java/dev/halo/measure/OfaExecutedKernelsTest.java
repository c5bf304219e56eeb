package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.onnx.OfaNetwork;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.space.OfaArch;
import dev.halo.space.OfaSpace;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * OFA's op-cost features against the kernels ONNX Runtime runs (its optimised graph at level ALL, {@link ExecutedKernels}):
 * BatchNorm folds into the convolutions, ReLU and SE's hard sigmoid fuse into them, but every block still runs its own
 * depthwise convolution, and every h-swish (HardSigmoid + Mul) and SE multiply runs as its own element-wise kernel:
 * what {@code blocks}, {@code se_blocks} and the executed-kernels set's {@code eltwise_melems} count. Built for ORT 1.23
 * on x86-64 (NCHWc convolutions).
 */
class OfaExecutedKernelsTest {
    @Test
    void blocksAndSqueezeExciteBlocksAreKernelsOrtRuns() {
        OfaSpace space = new OfaSpace();
        OfaNetwork net = new OfaNetwork(space.macro());
        CostFeatures features = CostFeatures.forSpace(space).orElseThrow();
        Random rng = new Random(11);
        for (int i = 0; i < 3; i++) {
            OfaArch a = i == 0 ? space.parse("r128_d22222_ks33--33--33--33--33--_e33--33--33--33--33--") : space.sample(rng);
            Map<String, Integer> kernels = ExecutedKernels.count(net.export(a, 1, 0), GraphOptimization.ALL);
            int depthwise = kernels.entrySet().stream().filter(e -> e.getKey().endsWith("_grouped")).mapToInt(Map.Entry::getValue).sum();
            double[] f = features.of(a);
            // the fixed first block's depthwise conv is one more; BatchNorm is gone, folded into the convs
            assertThat(depthwise).as(a.canonical() + " " + kernels).isEqualTo((int) f[2] + 1);
            // one Mul per h-swish (each with its HardSigmoid) and one per squeeze-excite
            assertThat(kernels.getOrDefault("Mul", 0)).as(a.canonical() + " " + kernels).isEqualTo(kernels.getOrDefault("HardSigmoid", 0) + (int) f[3]);
            assertThat(kernels.getOrDefault("HardSigmoid", 0)).as(a.canonical()).isEqualTo(hswishCount(space.macro(), a));
            assertThat(kernels).as(a.canonical()).doesNotContainKey("BatchNormalization");
        }
    }

    /** h-swish activations: the stem, two per block of the h-swish stages, the final expand and the feature mix. */
    private static int hswishCount(dev.halo.space.OfaMacro macro, OfaArch a) {
        int n = 3;
        for (var b : macro.blocks(a)) if (b.activation() == dev.halo.space.OfaMacro.Activation.H_SWISH) n += 2;
        return n;
    }
}
