package dev.halo.onnx.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.halo.BadInputException;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.NodeReport;
import dev.halo.kernel.KernelShape;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.zoo.MicroKernels.Conv;
import dev.halo.onnx.zoo.MicroKernels.Linear;
import dev.halo.onnx.zoo.MicroKernels.MatMul;
import dev.halo.onnx.zoo.MicroKernels.OnMap;
import dev.halo.onnx.zoo.MicroKernels.OnSequence;
import dev.halo.onnx.zoo.MicroKernels.Pool;
import dev.halo.onnx.zoo.MicroKernels.Softmax;
import dev.halo.onnx.zoo.MicroKernels.Transpose;
import dev.halo.onnx.zoo.MicroKernels.Variant;
import dev.halo.onnx.zoo.MicroKernels.Windows;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The micro family: single operators that ONNX Runtime runs and halo can describe, over the stated ranges. */
class MicroKernelsTest {
    @Test
    void sampledVariantsRunInOnnxRuntimeAndEveryKernelIsOneHaloDescribes() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            for (ZooModel m : ModelZoo.sample(MicroKernels.NAME, 60, 5)) {
                assertThat(ModelZoo.parse(m.canonical())).isEqualTo(m);
                OnnxNetwork net = m.export(1, 7);
                assertThat((long) net.outputSize()).as(m.canonical()).isEqualTo(outputElements((Variant) m));
                byte[] bytes = net.bytes();
                try (OrtSession session = env.createSession(bytes, options)) {
                    float[] input = new float[Math.toIntExact(Arrays.stream(net.inputShape()).reduce(1, Math::multiplyExact))];
                    for (int i = 0; i < input.length; i++) input[i] = (float) Math.sin(i);
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), net.inputShape());
                            OrtSession.Result result = session.run(Map.of(net.inputName(), in))) {
                        OnnxTensor out = (OnnxTensor) result.get(0);
                        assertThat(out.getInfo().getShape()).as(m.canonical()).containsExactly(1, net.outputSize());
                        FloatBuffer values = out.getFloatBuffer();
                        while (values.hasRemaining()) assertThat(values.get()).as(m.canonical()).isFinite();
                    }
                }
                // halo model profile refuses a model with a kernel halo cannot describe
                List<String> uncosted = GraphAnalysis.analyze(OptimizedModel.kernels(bytes, GraphOptimization.ALL), Map.of()).nodes().stream()
                        .filter(n -> !n.costed()).map(NodeReport::op).toList();
                assertThat(uncosted).as(m.canonical()).isEmpty();
            }
        }
    }

    /** The output size from the operator's definition, independent of the builder. */
    private static long outputElements(Variant v) {
        return switch (v) {
            case Conv c -> {
                long side = (c.resolution() + 2 * (c.kernel() / 2) - c.kernel()) / c.stride() + 1;
                yield c.cout() * side * side;
            }
            case MatMul m -> (long) m.heads() * m.m() * m.n();
            case Linear l -> (long) l.tokens() * l.out();
            case Softmax s -> (long) s.heads() * s.rows() * s.cols();
            case OnMap m -> switch (m.op()) {
                case "globalpool" -> m.channels();
                case "concat" -> 2L * m.channels() * m.resolution() * m.resolution();
                case "split" -> (long) m.channels() / 2 * m.resolution() * m.resolution();
                default -> (long) m.channels() * m.resolution() * m.resolution();
            };
            case OnSequence s -> (long) s.tokens() * s.dim();
            case Pool p -> {
                long side = (p.resolution() + 2 * ((p.kernel() - 1) / 2) - p.kernel()) / p.stride() + 1;
                yield p.channels() * side * side;
            }
            case Transpose t -> (long) t.shape().get(0) * t.shape().get(1) * t.shape().get(2);
            case Windows w -> (long) w.grid() * w.grid() * w.dim();
        };
    }

    @Test
    void samplesCoverEveryOperatorWithinTheCapsAndHalfTheChannelsAreNotMultiplesOf16() {
        List<ZooModel> sample = ModelZoo.sample(MicroKernels.NAME, 600, 5);
        Set<String> drawn = new HashSet<>();
        List<Integer> channels = new ArrayList<>();
        for (ZooModel m : sample) {
            Variant v = (Variant) m;
            drawn.add(v instanceof Conv c ? "conv-" + c.kind() : v.op());
            assertThat(v.macs()).as(v.canonical()).isLessThanOrEqualTo(v instanceof Conv c && c.groups() > 1 ? MicroKernels.MAX_GROUPED_MACS : MicroKernels.MAX_MACS);
            assertThat(v.largestTensor()).as(v.canonical()).isLessThanOrEqualTo(MicroKernels.MAX_ELEMENTS);
            assertThat(m.structure().macs()).as(v.canonical() + ": the builder counts the same MACs").isEqualTo(v.macs());
            switch (v) {
                case Conv c -> {
                    channels.add(c.cin());
                    assertThat(c.cin()).isBetween(8, 1024);
                    assertThat(c.resolution()).isBetween(7, 112);
                    if (c.kind().equals("grouped")) assertThat(c.cin() / c.groups()).isBetween(8, 64);
                }
                case OnMap o -> channels.add(o.channels());
                case Pool p -> channels.add(p.channels());
                default -> { }
            }
        }
        assertThat(drawn).containsExactlyInAnyOrderElementsOf(MicroKernels.DRAWN);
        double multiplesOf16 = channels.stream().filter(c -> c % 16 == 0).count() / (double) channels.size();
        assertThat(multiplesOf16).as("share of channel counts that are multiples of 16").isBetween(0.35, 0.65);
        assertThat(sample.stream().filter(m -> m instanceof Conv c && c.kind().equals("depthwise")).map(m -> ((Conv) m).cin() % 16 == 0))
                .as("depthwise convolutions with and without a multiple of 16 channels").contains(true, false);
    }

    @Test
    void canonicalStringsTakeKeysInAnyOrderAndFillInDefaults() {
        assertThat(ModelZoo.parse("micro:op=conv:res=40:g=58:cout=58:cin=58").canonical())
                .isEqualTo("micro:op=conv:cin=58:cout=58:k=3:s=1:g=58:act=relu:res=40");
        assertThat(ModelZoo.parse("micro").canonical()).isEqualTo("micro:op=conv:cin=64:cout=64:k=3:s=1:g=1:act=relu:res=56");
        assertThat(ModelZoo.parse("micro:op=gelu:dim=768").canonical()).isEqualTo("micro:op=gelu:tokens=196:dim=768");
        assertThat(ModelZoo.parse("micro:op=gelu").canonical()).isEqualTo("micro:op=gelu:c=64:res=56");
        assertThat(ModelZoo.parse("micro:perm=0-2-1-3:op=transpose:shape=197-6-64").canonical())
                .isEqualTo("micro:op=transpose:shape=197-6-64:perm=0-2-1-3");
        assertThat(ModelZoo.parse("micro:op=softmax").canonical()).isEqualTo("micro:op=softmax:heads=8:rows=196:cols=196");
        assertThat(ModelZoo.parse("micro:op=maxpool").canonical()).isEqualTo("micro:op=maxpool:c=64:k=3:s=2:res=56");
        assertThat(ModelZoo.parse("micro:op=windows").canonical()).isEqualTo("micro:op=windows:dim=96:grid=56:window=7");
    }

    @Test
    void anExportedModelIsNamedByItsOperator(@TempDir Path dir) {
        String spec = "micro:op=conv:cin=58:cout=58:k=3:s=1:g=58:act=relu:res=40";
        assertThat(ModelZoo.parse(spec).structure().model().getGraph().getDocString()).isEqualTo("Micro depthwise conv " + spec);
        assertThat(ModelZoo.parse("micro:op=layernorm").structure().model().getGraph().getDocString())
                .isEqualTo("Micro layernorm micro:op=layernorm:tokens=196:dim=384");
        ZooFiles.Exported e = ZooFiles.export(List.of(spec), dir, 1, 3).getFirst();
        assertThat(e.file().getFileName().toString()).matches("micro-[0-9a-f]{12}\\.onnx");
    }

    @Test
    void badSpecsNameWhatIsWrong() {
        expectBad("micro:op=foo", "unknown op 'foo'");
        expectBad("micro:op=conv:g=5", "g must divide cin and cout");
        expectBad("micro:op=conv:k=4", "k must be odd");
        expectBad("micro:op=conv:act=gelu", "act must be one of");
        expectBad("micro:op=softmax:c=3", "op=softmax takes no key 'c'");
        expectBad("micro:op=relu:tokens=4:c=3", "op=relu takes no key 'c'");
        expectBad("micro:op=matmul:m=x", "m must be an integer");
        expectBad("micro:op=relu:c=0", "c must be >= 1");
        expectBad("micro:op=split:c=7", "c must be even");
        expectBad("micro:op=transpose:perm=1-0-2-3", "perm must order the axes");
        expectBad("micro:op=transpose:shape=4-4", "shape must be three sizes");
        expectBad("micro:op=windows:grid=10:window=7", "window must divide grid");
        expectBad("micro:op=maxpool:k=2:res=1", "k must fit");
        expectBad("micro:op=linear:tokens=100000:dim=100000", "too large");
        expectBad("micro:size=3", "unknown key 'size'");
    }

    private static void expectBad(String spec, String message) {
        assertThatThrownBy(() -> ModelZoo.parse(spec)).as(spec).isInstanceOf(BadInputException.class).hasMessageContaining(message);
    }

    /**
     * The kernels this family is for: which convolutions ORT's NCHWc layout takes (seen with ORT 1.23 on x86-64; the
     * channel block is 8 with AVX2, 16 with AVX-512). A dense or depthwise convolution needs channels that are a
     * multiple of 4 (padded up to the block), a grouped one a group width the block divides; the others run in plain
     * NCHW. The block is read off a dense 16 -> 24 convolution, whose NCHWc output is padded to it.
     */
    @Test
    void convolutionsOrtsNchwcLayoutDoesNotTakeRunInPlainNchw() {
        List<Long> probe = convolutions("micro:op=conv:cin=16:cout=24:k=3:g=1:res=14").stream()
                .filter(k -> k.op().startsWith("com.microsoft.nchwc")).map(k -> k.outputs().getFirst().dim(1)).toList();
        assertThat(probe).as("the NCHWc output of 24 channels, padded to the block").isSubsetOf(24L, 32L);
        long block = probe.isEmpty() ? 1 : probe.getFirst() == 24 ? 8 : 16;

        for (String plain : List.of("micro:op=conv:cin=58:cout=58:k=3:g=58:res=28", "micro:op=conv:cin=18:cout=18:k=3:g=1:res=28")) {
            List<KernelShape> convs = convolutions(plain);
            assertThat(convs).as(plain).hasSize(1);
            assertThat(convs.getFirst().op()).as(plain + ": channels not a multiple of 4").isIn("Conv", "com.microsoft::FusedConv");
        }
        if (block == 1) return; // an ORT without NCHWc kernels on this CPU runs every convolution plain
        assertThat(convolutions("micro:op=conv:cin=24:cout=24:k=3:g=24:res=28")).as("24 depthwise channels, padded to the block")
                .singleElement().matches(k -> k.op().equals("com.microsoft.nchwc::Conv") && k.outputs().getFirst().dim(1) == (block == 8 ? 24 : 32));
        assertThat(convolutions("micro:op=conv:cin=64:cout=64:k=3:g=4:res=28")).as("group width 16")
                .singleElement().matches(k -> k.op().equals("com.microsoft.nchwc::Conv"));
        assertThat(convolutions("micro:op=conv:cin=48:cout=48:k=3:g=2:res=28")).as("group width 24, block " + block)
                .singleElement().matches(k -> k.op().equals("com.microsoft.nchwc::Conv") == (block == 8));
    }

    @Test
    void aBatchNormOnItsOwnRunsAsItsOwnKernel() {
        assertThat(kernels("micro:op=batchnorm:c=24:res=14")).extracting(KernelShape::op).contains("BatchNormalization");
        assertThat(kernels("micro:op=conv:cin=24:cout=24:k=3:act=none:res=14")).extracting(KernelShape::op)
                .as("after a convolution it is folded into it").doesNotContain("BatchNormalization");
    }

    /** The convolution kernels ORT runs for {@code spec} at optimisation level ALL. */
    private static List<KernelShape> convolutions(String spec) {
        return kernels(spec).stream().filter(k -> k.op().endsWith("Conv")).toList();
    }

    /** The kernels ORT runs for {@code spec} at optimisation level ALL. */
    private static List<KernelShape> kernels(String spec) {
        byte[] model = ModelZoo.parse(spec).export(1, 1).bytes();
        return ModelProfiler.executedKernels(OptimizedModel.kernels(model, GraphOptimization.ALL), Map.of());
    }
}
