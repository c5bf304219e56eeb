package dev.halo.app.model;

import static dev.halo.onnx.model.TestModels.FLOAT;
import static dev.halo.onnx.model.TestModels.value;
import static dev.halo.onnx.model.TestModels.weight;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.graph.TensorShape;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.measure.model.KernelProfile;
import dev.halo.onnx.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasureModelTest {
    private static final MeasureSettings QUICK = MeasureSettings.defaults().withRuns(1, 5, 10);

    @TempDir Path dir;

    @Test
    void measuresStoresUnderTheModelIdentityResumesAndProfiles() throws Exception {
        Path f = TestModels.write(dir.resolve("m.onnx"), TestModels.convRelu(value("x", FLOAT, "n", 3, 16, 16), weight("w", 4, 3, 3, 3)));
        Path store = dir.resolve("s.db");
        var request = new MeasureModel.Request(f, Map.of("x", TensorShape.of(1, 3, 16, 16)), QUICK, 2, false, 0, store, 3);
        MeasureModel.Result r = new MeasureModel().run(request, Listener.NONE);
        assertThat(r.identity()).isEqualTo("sha256:" + MeasureModel.sha256(f) + ";x=1x3x16x16").matches("sha256:[0-9a-f]{64};x=1x3x16x16");
        assertThat(r.summary().measured()).isEqualTo(2);
        assertThat(r.rows()).hasSize(2).allMatch(row -> row.outcome() instanceof Outcome.Measured m && m.stats().medianMs() > 0);
        assertThat(r.profile()).isNotEmpty().anyMatch(k -> k.op().contains("Conv"));
        assertThat(r.profile().stream().mapToDouble(KernelProfile.Kernel::share).sum()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));

        MeasureModel.Result again = new MeasureModel().run(request, Listener.NONE);
        assertThat(again.summary().measured()).isZero();
        assertThat(again.summary().alreadyDone()).isEqualTo(2);
        // another shape of the same file is another entry
        var bigger = new MeasureModel.Request(f, Map.of("x", TensorShape.of(2, 3, 16, 16)), QUICK, 1, false, 0, store, 0);
        MeasureModel.Result b = new MeasureModel().run(bigger, Listener.NONE);
        assertThat(b.identity()).endsWith(";x=2x3x16x16");
        assertThat(b.summary().measured()).isEqualTo(1);
        try (MeasurementStore db = MeasurementStore.open(store)) {
            long device = db.device(DeviceFingerprint.current(QUICK));
            assertThat(db.rows(device, MeasureModel.SPACE)).hasSize(3);
            assertThat(db.rows(device, "nasbench201")).isEmpty();
        }
    }

    @Test
    void badInputsAreRefusedBeforeAnythingIsStored() throws Exception {
        Path store = dir.resolve("s.db");
        Path dyn = TestModels.write(dir.resolve("dyn.onnx"), TestModels.convRelu(value("x", FLOAT, "n", 3, 16, 16), weight("w", 4, 3, 3, 3)));
        assertThatThrownBy(() -> new MeasureModel().run(new MeasureModel.Request(dyn, Map.of(), QUICK, 1, false, 0, store, 0),
                Listener.NONE)).isInstanceOf(BadInputException.class).hasMessageContaining("input 'x' has a dynamic dimension 'n'");
        GraphProto.Builder g = GraphProto.newBuilder().addInput(value("h", TestModels.FLOAT16, 1, 4))
                .addNode(TestModels.node("Relu", "r", TestModels.names("h"), TestModels.names("y"))).addOutput(value("y", TestModels.FLOAT16));
        Path half = TestModels.write(dir.resolve("half.onnx"), TestModels.model(g));
        assertThatThrownBy(() -> new MeasureModel().run(new MeasureModel.Request(half, Map.of(), QUICK, 1, false, 0, store, 0),
                Listener.NONE)).isInstanceOf(BadInputException.class).hasMessageContaining("input 'h' has element type float16");
        assertThat(Files.exists(store)).isFalse();
    }
}
