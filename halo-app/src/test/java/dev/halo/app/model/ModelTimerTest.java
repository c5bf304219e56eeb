package dev.halo.app.model;

import static dev.halo.onnx.model.TestModels.FLOAT;
import static dev.halo.onnx.model.TestModels.value;
import static dev.halo.onnx.model.TestModels.weight;
import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.graph.TensorShape;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.Outcome;
import dev.halo.onnx.model.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One round of a model file, as a farm agent times it: keyed like halo measure --model, failures as outcomes. */
class ModelTimerTest {
    private static final MeasureSettings QUICK = MeasureSettings.defaults().withRuns(1, 3, 5);

    @TempDir Path dir;

    @Test
    void aRoundHasTheIdentityHaloMeasureModelStoresAndAModelThatCannotBeFedIsAFailedOutcome() throws Exception {
        Path f = TestModels.write(dir.resolve("m.onnx"), TestModels.convRelu(value("x", FLOAT, "n", 3, 16, 16), weight("w", 4, 3, 3, 3)));
        Map<String, TensorShape> shapes = Map.of("x", TensorShape.of(1, 3, 16, 16));
        ModelTimer.Timed t = new ModelTimer().measure(f, shapes, QUICK);
        MeasureModel.Prepared p = MeasureModel.prepare(f, shapes);
        assertThat(t.identity()).isEqualTo(p.identity()).isEqualTo("sha256:" + MeasureModel.sha256(f) + ";x=1x3x16x16");
        assertThat(t.outcome()).isInstanceOfSatisfying(Outcome.Measured.class, m -> assertThat(m.stats().medianMs()).isPositive());
        // the resolved shapes, given back, resolve to the same identity (what a farm task carries to its agent)
        assertThat(MeasureModel.prepare(f, p.shapes()).identity()).isEqualTo(p.identity());

        ModelTimer.Timed open = new ModelTimer().measure(f, Map.of(), QUICK);
        assertThat(open.identity()).isNull();
        assertThat(open.outcome()).isInstanceOfSatisfying(Outcome.Failed.class, x -> assertThat(x.reason()).contains("m.onnx"));
        Path garbage = Files.writeString(dir.resolve("g.onnx"), "not a model");
        assertThat(new ModelTimer().measure(garbage, shapes, QUICK).outcome()).isInstanceOf(Outcome.Failed.class);
    }
}
