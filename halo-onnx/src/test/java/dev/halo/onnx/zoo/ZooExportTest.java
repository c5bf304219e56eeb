package dev.halo.onnx.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.halo.onnx.OnnxGraphBuilder;
import dev.halo.onnx.OnnxNetwork;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Tiny variants of every family run in ONNX Runtime; parameter counts against hand-written formulas. */
class ZooExportTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "resnet:block=basic:depth=1-2:width=8-16:res=32",
        "resnet:block=bottleneck:depth=1-1-2-1:width=8-8-16-16:res=64",
        "mobilenetv2:width=0.35:expand=1-3-4-6-3-4-6:kernel=3-5-7-3-5-7-3:depth=1-1-2-1-1-1-1:res=64",
        "mobilenetv3:size=large:width=0.5:expand=0.75:kernel=3-3-5-5-5-5-3-7-3-3-3-3-5-5-7:res=64",
        "mobilenetv3:size=small:width=0.5:expand=1.25:kernel=3-3-3-5-5-5-5-5-5-7-5:res=80",
        "efficientnet:width=0.5:depth=0.5:kernel=3-3-5-3-5-7-3:expand=1-6-4-6-3-6-6:res=64",
        "shufflenetv2:width=16-32-64:last=64:depth=1-2-1:kernel=5:res=64",
        "regnet:type=x:depth=6:w0=16:wa=8:wm=2:group=8:res=64",
        "regnet:type=y:depth=6:w0=16:wa=8:wm=2:group=8:res=64",
        "densenet:growth=8:blocks=2-2-3-2:init=16:bn=4:res=64",
        "vit:patch=16:dim=32:depth=2:heads=2:mlp=2:res=64",
        "vit:patch=14:dim=48:depth=1:heads=3:mlp=3:res=98",
        "vit:patch=32:dim=128:depth=1:heads=2:mlp=4:res=64",
        // grids 16-8-4-2: shifted windows with the mask in stage 1, the last 2x2 map padded to one unshifted window
        "swin:dim=16:depth=2-1-2-1:heads=1-2-2-4:window=4:res=64",
        // grids 24-12-6-3 padded to whole 7x7 windows, shifted blocks on the padded maps of stages 1 and 2
        "swin:dim=16:depth=2-2-1-1:heads=1-2-4-4:window=7:res=96",
    })
    void tinyVariantRunsInOnnxRuntime(String spec) throws Exception {
        ZooModel m = ModelZoo.parse(spec);
        assertThat(m.canonical()).isEqualTo(spec);
        OnnxNetwork net = m.export(1, 7);
        assertThat(OnnxGraphBuilder.trainableParameters(net.model())).isEqualTo(m.structure().trainableParams());
        assertThat(net.inputShape()).containsExactly(1, 3, m.resolution(), m.resolution());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(net.bytes(), options)) {
                float[] input = new float[3 * m.resolution() * m.resolution()];
                for (int i = 0; i < input.length; i++) input[i] = (float) Math.sin(i);
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), net.inputShape());
                        OrtSession.Result result = session.run(Map.of(net.inputName(), in))) {
                    OnnxTensor out = (OnnxTensor) result.get(0);
                    assertThat(out.getInfo().getShape()).containsExactly(1, 1000);
                    FloatBuffer buffer = out.getFloatBuffer();
                    float[] values = new float[buffer.remaining()];
                    buffer.get(values);
                    for (float v : values) assertThat(v).isFinite();
                    assertThat(IntStream.range(0, values.length).mapToDouble(i -> values[i]).distinct().count())
                            .as("random weights give a non-constant output").isGreaterThan(100);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({
        "resnet18, Conv BatchNormalization Relu MaxPool Add GlobalAveragePool Gemm",
        "mobilenet_v2, Conv Clip Add",
        "mobilenet_v3_large, HardSwish HardSigmoid Mul Relu",
        "efficientnet_b0, Sigmoid Mul",
        "shufflenet_v2_x1_0, Split Concat Reshape Transpose",
        "regnet_y_400mf, Sigmoid Mul Add",
        "densenet121, Concat AveragePool",
        "vit_s_16, LayerNormalization MatMul Softmax Erf Split Transpose Gather Concat",
        "swin_t, LayerNormalization MatMul Softmax Erf Split Transpose Gather Slice Concat GlobalAveragePool",
    })
    void eachFamilyUsesItsOperators(String preset, String ops) {
        List<String> used = ModelZoo.parse(preset).structure().layers().stream().map(dev.halo.onnx.Layer::opType).distinct().toList();
        assertThat(used).contains(ops.split(" "));
    }

    @Test
    void groupedAndDepthwiseConvolutionsCarryTheirGroups() {
        // RegNetX-400MF: group width 16, first stage 32 channels -> 2 groups; MobileNetV2's depthwise: groups = channels
        assertThat(ModelZoo.parse("regnet_x_400mf").structure().layers()).anyMatch(l -> l.signature().contains("group=2 "));
        assertThat(ModelZoo.parse("mobilenet_v2").structure().layers()).anyMatch(l -> l.signature().contains("group=96 "));
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherWeights() {
        ZooModel m = ModelZoo.parse("shufflenetv2:width=16-32-64:last=64:depth=1-2-1:kernel=3:res=64");
        assertThat(m.export(1, 3).bytes()).isEqualTo(m.export(1, 3).bytes());
        assertThat(m.export(1, 3).bytes()).isNotEqualTo(m.export(1, 4).bytes());
    }

    // ---- independent parameter formulas (PyTorch's counting: conv/linear weights and biases, norm scale and shift) ----

    private static long bn(long c) {
        return 2 * c;
    }

    static long resnet(ResNet.Variant v) {
        long w0 = v.width().get(0);
        long total = 3 * w0 * 49 + bn(w0);
        long in = w0;
        for (int s = 0; s < v.depth().size(); s++) {
            long p = v.width().get(s);
            for (int i = 0; i < v.depth().get(s); i++) {
                boolean strided = s > 0 && i == 0;
                if (v.block().equals("basic")) {
                    total += 9 * in * p + bn(p) + 9 * p * p + bn(p);
                    if (strided || in != p) total += in * p + bn(p);
                    in = p;
                } else {
                    total += in * p + bn(p) + 9 * p * p + bn(p) + p * 4 * p + bn(4 * p);
                    if (strided || in != 4 * p) total += in * 4 * p + bn(4 * p);
                    in = 4 * p;
                }
            }
        }
        return total + in * 1000 + 1000;
    }

    static long densenet(DenseNet.Variant v) {
        long g = v.growth();
        long c = v.init();
        long total = 3 * c * 49 + bn(c);
        for (int i = 0; i < v.blocks().size(); i++) {
            for (int l = 0; l < v.blocks().get(i); l++) {
                total += bn(c) + c * v.bn() * g + bn(v.bn() * g) + v.bn() * g * g * 9;
                c += g;
            }
            if (i < v.blocks().size() - 1) {
                total += bn(c) + c * (c / 2);
                c /= 2;
            }
        }
        return total + bn(c) + c * 1000 + 1000;
    }

    static long vit(VisionTransformer.Variant v) {
        long d = v.dim();
        long m = v.mlpDim();
        long tokens = (long) (v.resolution() / v.patch()) * (v.resolution() / v.patch()) + 1;
        long perLayer = 2 * d + (3 * d * d + 3 * d) + (d * d + d) + 2 * d + (d * m + m) + (m * d + d);
        return d * 3L * v.patch() * v.patch() + d + d + tokens * d + v.depth() * perLayer + 2 * d + d * 1000 + 1000;
    }

    static long shufflenet(ShuffleNetV2.Variant v) {
        long k2 = (long) v.kernel() * v.kernel();
        long total = 3 * 24 * 9 + bn(24);
        long c = 24;
        for (int s = 0; s < v.width().size(); s++) {
            long h = v.width().get(s) / 2;
            for (int i = 0; i < v.depth().get(s); i++) {
                if (i == 0) total += (c * k2 + bn(c) + c * h + bn(h)) + (c * h + bn(h) + h * k2 + bn(h) + h * h + bn(h));
                else total += h * h + bn(h) + h * k2 + bn(h) + h * h + bn(h);
            }
            c = 2 * h;
        }
        return total + c * v.last() + bn(v.last()) + (long) v.last() * 1000 + 1000;
    }

    static long swin(SwinTransformer.Variant v) {
        long c = v.dim();
        long w2 = (2L * v.window() - 1) * (2L * v.window() - 1);
        long total = 3 * 16 * c + c + 2 * c;
        for (int s = 0; s < 4; s++) {
            if (s > 0) {
                total += 2 * (4 * c) + 4 * c * 2 * c;
                c *= 2;
            }
            long perBlock = 2 * c + (3 * c * c + 3 * c) + w2 * v.heads().get(s) + (c * c + c) + 2 * c + (c * 4 * c + 4 * c) + (4 * c * c + c);
            total += v.depth().get(s) * perBlock;
        }
        return total + 2 * c + c * 1000 + 1000;
    }

    @Test
    void parameterCountsMatchClosedFormsOnPresetsAndSamples() {
        List<ZooModel> models = new java.util.ArrayList<>();
        for (String f : List.of("resnet", "densenet", "vit", "shufflenetv2", "swin")) {
            models.addAll(ModelZoo.sample(f, 12, 5));
            ModelZoo.family(f).presets().values().forEach(p -> models.add(ModelZoo.parse(p)));
        }
        for (ZooModel m : models) {
            long formula = switch (m) {
                case ResNet.Variant v -> resnet(v);
                case DenseNet.Variant v -> densenet(v);
                case VisionTransformer.Variant v -> vit(v);
                case ShuffleNetV2.Variant v -> shufflenet(v);
                case SwinTransformer.Variant v -> swin(v);
                default -> throw new AssertionError(m);
            };
            assertThat(m.structure().trainableParams()).as(m.canonical()).isEqualTo(formula);
        }
        assertThat(models).hasSize(5 * 12 + 4 + 4 + 4 + 4 + 3);
    }
}
