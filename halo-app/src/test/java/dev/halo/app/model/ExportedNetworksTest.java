package dev.halo.app.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.graph.GraphReport;
import dev.halo.onnx.FbnetNetwork;
import dev.halo.onnx.Nb201Network;
import dev.halo.onnx.OfaNetwork;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.space.Architecture;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Space;
import dev.halo.space.OfaSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * halo's shape inference and costs on the networks halo's own exporter writes, read back from files: MACs and
 * parameters must equal the search spaces' formulas (which the exporter tests check against the papers' numbers).
 */
class ExportedNetworksTest {
    @TempDir Path dir;

    @Test
    void nasBench201() throws IOException {
        Nb201Space space = new Nb201Space();
        Nb201Network net = new Nb201Network(space.macro());
        Random rng = new Random(3);
        for (int i = 0; i < 4; i++) {
            Architecture a = i == 0 ? space.parse("none,skip,none,none,conv3x3,skip") : space.sample(rng);
            // NAS-Bench-201 adds the classifier's 10 bias additions to its FLOPs
            check(net.export(a, 1, 0), a, m -> space.params(space.parse(a.canonical())), m -> (m + 10) / 1e6,
                    space.mflops(space.parse(a.canonical())));
        }
    }

    @Test
    void fbnet() throws IOException {
        FbnetSpace space = new FbnetSpace();
        FbnetNetwork net = new FbnetNetwork(space.macro());
        Random rng = new Random(4);
        for (int i = 0; i < 3; i++) {
            var a = space.sample(rng);
            check(net.export(a, 1, 0), a, m -> space.params(a), m -> (m + 100) / 1e6, space.mflops(a));
        }
    }

    @Test
    void ofaMobileNetV3() throws IOException {
        OfaSpace space = new OfaSpace();
        OfaNetwork net = new OfaNetwork(space.macro());
        Random rng = new Random(5);
        for (int i = 0; i < 3; i++) {
            var a = space.sample(rng);
            check(net.export(a, 1, 0), a, m -> space.params(a), m -> m / 1e6, space.mflops(a));
        }
    }

    /**
     * OFA's op-cost features are counts over the graph the exporter writes: dense convs on feature maps (not the SE and
     * feature-mix convs on pooled 1×1 maps, which every subnet runs the same number of times per SE block), depthwise
     * convs (weight shape [C, 1, k, k]), one depthwise conv per block (the first one is the fixed first block's) and one
     * Mul per squeeze-excite.
     */
    @Test
    void ofaCostFeaturesCountTheExportedGraph() throws IOException {
        OfaSpace space = new OfaSpace();
        OfaNetwork net = new OfaNetwork(space.macro());
        var features = dev.halo.predict.additive.CostFeatures.forSpace(space).orElseThrow();
        Random rng = new Random(6);
        for (int i = 0; i < 4; i++) {
            var a = i == 0 ? space.parse("r128_d22222_ks33--33--33--33--33--_e33--33--33--33--33--") : space.sample(rng);
            Path f = Files.write(dir.resolve("ofa.onnx"), net.export(a, 1, 0).bytes());
            GraphReport r = new DescribeModel().run(DescribeModel.Request.of(f)).graph();
            double conv = 0, dw = 0;
            int depthwise = 0, mul = 0;
            for (var n : r.nodes()) {
                if (n.op().equals("Mul")) mul++;
                if (!n.op().equals("Conv")) continue;
                boolean isDepthwise = n.weightShapes().getFirst().dim(1) == 1;
                var out = n.outputShapes().getFirst();
                if (isDepthwise) {
                    dw += n.cost().macs() / 1e6;
                    depthwise++;
                } else if (out.dim(2) > 1) conv += n.cost().macs() / 1e6;
            }
            assertThat(features.of(a)).as(a.canonical()).containsExactly(new double[] {conv, dw, depthwise - 1, mul}, within(1e-9));
        }
    }

    private void check(OnnxNetwork net, Architecture arch, ToLongFunction<Long> params, ToDoubleFunction<Long> mflops,
            double expectedMflops) throws IOException {
        Path f = Files.write(dir.resolve("net.onnx"), net.bytes());
        GraphReport r = new DescribeModel().run(DescribeModel.Request.of(f)).graph();
        assertThat(r.problems()).as(arch.canonical()).isEmpty();
        assertThat(r.totals().macs()).as(arch.canonical()).isEqualTo(net.macs());
        assertThat(mflops.applyAsDouble(r.totals().macs())).as(arch.canonical()).isCloseTo(expectedMflops, within(1e-9));
        // scalar constants (the exporter's zeros for 'none' edges) are not parameters
        assertThat(r.totals().params()).as(arch.canonical()).isEqualTo(params.applyAsLong(r.totals().macs()));
        long bnChannels = r.nodes().stream().filter(n -> n.op().equals("BatchNormalization"))
                .mapToLong(n -> n.outputShapes().getFirst().dim(1)).sum();
        assertThat(r.totals().buffers()).isEqualTo(2 * bnChannels);
        assertThat(r.outputs().getFirst().shape().toArray()).containsExactly(net.outputShape());
        assertThat(r.nodes()).hasSize(net.layers().size());
        Map<String, Long> work = new java.util.HashMap<>();
        net.layers().forEach(l -> work.put(l.node(), l.work()));
        // the exporter's per-layer work is MACs for Conv and Gemm
        r.nodes().stream().filter(n -> n.op().equals("Conv") || n.op().equals("Gemm"))
                .forEach(n -> assertThat(n.cost().macs()).as(n.name()).isEqualTo(work.get(n.name())));
    }
}
