package dev.halo.measure.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.halo.graph.Graph;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ort.NchwcBlock;
import dev.halo.kernel.ort.OrtGraphEmulator;
import dev.halo.measure.GraphOptimization;
import dev.halo.onnx.model.OnnxModelReader;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * halo's emulation of ONNX Runtime's graph optimisation gives the kernels ORT's own optimised model gives, on one small
 * model of each zoo family (bench/KernelEmulationCheck.java does this over hundreds of models and real exports).
 */
class OrtGraphEmulationTest {
    @TempDir Path dir;

    /** Everything the cost model sees of a kernel but the node name (ORT numbers the nodes it inserts per session). */
    private static String key(KernelShape k) {
        return k.op() + " " + k.activation() + " " + k.inputs() + " " + k.weights() + " " + k.outputs() + " " + Arrays.toString(k.window())
                + Arrays.toString(k.stride()) + k.group() + " " + k.cost();
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet", "mobilenetv2", "mobilenetv3", "efficientnet", "shufflenetv2", "regnet", "densenet"})
    void emulatedKernelsAreOnnxRuntimesKernels(String family) throws Exception {
        NchwcBlock.Detected block = NchwcBlock.ofThisMachine();
        assumeTrue(block.known(), "ONNX Runtime's layout on this CPU is not emulated");
        ZooModel model = ModelZoo.sample(family, 1, 5).getFirst();
        Path file = Files.write(dir.resolve("m.onnx"), model.export(1, 0).bytes());
        Graph original = OnnxModelReader.read(file);

        List<KernelShape> ort = ModelProfiler.executedKernels(OptimizedModel.kernels(file, original, Map.of(), GraphOptimization.ALL), Map.of());
        OrtGraphEmulator.Result emulated = OrtGraphEmulator.emulate(original, Map.of(), block.block());

        assertThat(emulated.uncovered()).as(model.canonical()).isEmpty();
        assertThat(emulated.kernels().stream().map(OrtGraphEmulationTest::key).toList()).as(model.canonical())
                .containsExactlyInAnyOrderElementsOf(ort.stream().map(OrtGraphEmulationTest::key).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit"})
    void aTransformerIsNotCoveredAndSaysWhere(String family) throws Exception {
        ZooModel model = ModelZoo.sample(family, 1, 5).getFirst();
        Graph original = OnnxModelReader.read(Files.write(dir.resolve("m.onnx"), model.export(1, 0).bytes()));
        OrtGraphEmulator.Result emulated = OrtGraphEmulator.emulate(original, Map.of(), 8);

        assertThat(emulated.covered()).isFalse();
        assertThat(emulated.uncovered()).anySatisfy(u -> assertThat(u).contains("(LayerNormalization)"));
    }
}
