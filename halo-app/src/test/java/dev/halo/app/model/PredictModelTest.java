package dev.halo.app.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.graph.NodeReport;
import dev.halo.kernel.BoostedTrees;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelFeatures;
import dev.halo.kernel.KernelModelFile;
import dev.halo.kernel.KernelShape;
import dev.halo.measure.GraphOptimization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction of already-described kernels on already-loaded models (the server's path) is the file path's prediction. */
class PredictModelTest {
    @TempDir Path dir;

    /** The baseline alone (one leaf tree): no measuring needed. */
    static KernelCostModel baseline() {
        var leaf = new BoostedTrees.Tree(new int[] {-1}, new double[] {0}, new int[] {0}, new int[] {0}, new double[] {0});
        return new KernelCostModel(new KernelCostModel.Baseline(4e-8, 1e-7, 2e-3), new BoostedTrees(0, List.of(leaf), KernelFeatures.size()),
                new BoostedTrees(0, List.of(leaf), KernelFeatures.productSize()),
                new KernelCostModel.Calibration(1, 0, 0.05, Math.log(0.8), Math.log(1.2)),
                new KernelCostModel.Provenance("fp", "test", 12, 400, List.of("shufflenetv2"), KernelFeatures.VERSION, "2026-12-02T00:00:00Z"));
    }

    @Test
    void aModelTheEmulationDoesNotCoverFallsBackToOnnxRuntimeWithTheReasonOrIsRefused() throws Exception {
        Path onnx = Files.write(dir.resolve("vit.onnx"), dev.halo.onnx.zoo.ModelZoo.parse("vit:patch=16:dim=64:depth=1:heads=2:mlp=2:res=32")
                .export(1, 0).bytes());
        Path file = Files.writeString(dir.resolve("d.kernel-model.json"), KernelModelFile.toJson(baseline()));

        PredictModel.Result auto = PredictModel.run(new PredictModel.Request(onnx, Map.of(), List.of(file)));
        assertThat(auto.source()).isEqualTo(PredictModel.Kernels.ORT);
        assertThat(auto.fallback()).startsWith("the emulated ONNX Runtime rewrites do not cover node '").contains("more)");
        assertThatThrownBy(() -> PredictModel.run(new PredictModel.Request(onnx, Map.of(), List.of(file), PredictModel.Kernels.EMULATED)))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--kernels emulated").hasMessageContaining(onnx.toString());
        assertThatThrownBy(() -> PredictModel.Kernels.parse("fast")).isInstanceOf(BadInputException.class).hasMessageContaining("--kernels fast");
    }

    @Test
    void describedKernelsOnLoadedModelsPredictWhatTheFilesPredict() throws Exception {
        Path onnx = Files.write(dir.resolve("m.onnx"), dev.halo.onnx.zoo.ModelZoo.parse("shufflenetv2:res=96").export(1, 0).bytes());
        String json = KernelModelFile.toJson(baseline());
        Path file = Files.writeString(dir.resolve("d.kernel-model.json"), json);

        PredictModel.Result fromFiles = PredictModel.run(new PredictModel.Request(onnx, Map.of(), List.of(file)));
        DescribeModel.Result described = new DescribeModel().run(new DescribeModel.Request(onnx, Map.of(), true, GraphOptimization.ALL));
        GraphLatencyModel loaded = PredictModel.load(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "upload");
        List<PredictModel.DevicePrediction> fromLoaded = PredictModel.predict(described.executedKernels(), List.of(loaded));

        // auto: the zoo model is covered by the emulation, whose kernels price exactly as ORT's do below
        assertThat(fromFiles.source()).isEqualTo(PredictModel.Kernels.EMULATED);
        assertThat(fromFiles.fallback()).isEmpty();
        assertThat(fromLoaded).hasSize(1);
        assertThat(fromLoaded.getFirst().file()).isNull();
        KernelCostModel.Prediction a = fromFiles.devices().getFirst().prediction(), b = fromLoaded.getFirst().prediction();
        assertThat(b.ms()).isCloseTo(a.ms(), org.assertj.core.data.Percentage.withPercentage(1e-9));
        assertThat(b.lowMs()).isCloseTo(a.lowMs(), org.assertj.core.data.Percentage.withPercentage(1e-9));
        // the same kernels (each ONNX Runtime session numbers the nodes it inserts, ReorderOutput_token_N, and may order
        // independent branches differently: the same multiset of operators, not the same names or order)
        assertThat(b.kernels()).extracting(k -> k.kernel().op()).containsExactlyInAnyOrderElementsOf(a.kernels().stream().map(k -> k.kernel().op()).toList());
        // every executed kernel is a costed node of the description's kernel graph, in its order
        assertThat(described.executedKernels()).extracting(KernelShape::node)
                .containsExactlyElementsOf(described.kernels().nodes().stream().filter(NodeReport::costed).map(NodeReport::name).toList());
        // without kernels asked for there are none
        assertThat(new DescribeModel().run(DescribeModel.Request.of(onnx)).executedKernels()).isEmpty();
        assertThatThrownBy(() -> PredictModel.predict(List.of(), List.of(loaded))).isInstanceOf(BadInputException.class);
        assertThat(PredictModel.run(new PredictModel.Request(onnx, Map.of(), List.of(file), PredictModel.Kernels.ORT)).source())
                .isEqualTo(PredictModel.Kernels.ORT);
        assertThatThrownBy(() -> PredictModel.load(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), "upload"))
                .isInstanceOf(BadInputException.class).hasMessageStartingWith("upload: field format");
    }
}
