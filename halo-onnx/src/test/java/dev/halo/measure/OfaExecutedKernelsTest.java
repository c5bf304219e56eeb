package dev.halo.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.graph.TensorShape;
import dev.halo.kernel.KernelShape;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.OfaNetwork;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.space.OfaArch;
import dev.halo.space.OfaSpace;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The executed-kernels set's work features equal a count over ORT's optimised graph: {@code conv_macs} the MACs of
     * its dense convolutions over a feature map (the squeeze-excite and feature-mix convolutions on the pooled 1×1
     * vector are left out: the fixed cost covers those launches), {@code dw_macs} those of its depthwise ones, and
     * {@code eltwise_melems} the elements its Mul kernels write over a feature map (every h-swish and SE multiply).
     * Channels here are multiples of 8, so at block 8 ORT pads nothing; at block 16 (AVX-512) it pads 72 → 80 and the
     * logical MACs the features count fall short of what runs by that padding.
     */
    @Test
    void executedKernelFeaturesEqualACountOverOrtsOptimisedGraph() {
        OfaSpace space = new OfaSpace();
        OfaNetwork net = new OfaNetwork(space.macro());
        CostFeatures features = CostFeatures.named(space, "executed-kernels").orElseThrow();
        Random rng = new Random(5);
        List<OfaArch> archs = new ArrayList<>(List.of(space.parse("r128_d22222_ks33--33--33--33--33--_e33--33--33--33--33--"),
                space.parse("r224_d44444_ks77777777777777777777_e66666666666666666666")));
        for (int i = 0; i < 2; i++) archs.add(space.sample(rng));
        for (OfaArch a : archs) {
            double dense = 0, depthwise = 0, eltwise = 0;
            for (KernelShape k : ModelProfiler.executedKernels(OptimizedModel.kernels(net.export(a, 1, 0).bytes(), GraphOptimization.ALL), Map.of())) {
                TensorShape out = k.outputs().getFirst();
                boolean featureMap = out.rank() == 4 && out.dim(2) * out.dim(3) > 1;
                if (!featureMap) continue;
                if (k.op().endsWith("Conv")) {
                    if (k.group() > 1) depthwise += k.cost().macs();
                    else dense += k.cost().macs();
                } else if (k.op().equals("Mul")) {
                    eltwise += out.dim(0) * out.dim(1) * out.dim(2) * out.dim(3);
                }
            }
            double[] f = features.of(a);
            assertThat(f[0] * 1e6).as(a.canonical() + " conv_macs").isCloseTo(dense, within(1e-6 * dense));
            assertThat(f[1] * 1e6).as(a.canonical() + " dw_macs").isCloseTo(depthwise, within(1e-6 * depthwise));
            assertThat(f[4] * 1e6).as(a.canonical() + " eltwise_melems").isCloseTo(eltwise, within(1e-6 * eltwise));
        }
    }

    /** h-swish activations: the stem, two per block of the h-swish stages, the final expand and the feature mix. */
    private static int hswishCount(dev.halo.space.OfaMacro macro, OfaArch a) {
        int n = 3;
        for (var b : macro.blocks(a)) if (b.activation() == dev.halo.space.OfaMacro.Activation.H_SWISH) n += 2;
        return n;
    }
}
