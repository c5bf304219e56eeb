package dev.halo.app.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.kernel.DeviceAdaptation;
import dev.halo.kernel.KernelCorpus;
import dev.halo.kernel.KernelCostModel;
import dev.halo.measure.MeasureSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small real runs (a few seconds): tiny MobileNetV3 variants profiled, fitted, adapted and predicted on this machine. */
class OnboardModelsTest {
    private static final MeasureSettings QUICK = MeasureSettings.defaults().withRuns(1, 5, 20);

    @TempDir Path dir;

    @Test
    void profilesFitsValidatesAndResumesThenAdaptsToAnotherSettingAndPredictsAFile() throws Exception {
        var request = new OnboardModels.Request("here", dir.resolve("here"), null, "shufflenetv2", 12, 5, QUICK, 3);
        OnboardModels.Result r = OnboardModels.run(request, Listener.NONE);
        assertThat(r.model()).isInstanceOf(KernelCostModel.class);
        assertThat(Files.isRegularFile(r.modelFile())).isTrue();
        assertThat(r.validation().models()).isEqualTo(5);
        // how accurate it is belongs to the benchmark (docs/results/kernels.md): timings here share the CPU with the build
        assertThat(r.validation().medianAbsError()).isFinite().isNotNegative();
        assertThat(r.validation().coverage90()).isBetween(0.0, 1.0);
        assertThat(r.beforeAdapting()).as("nothing was adapted").isNull();
        assertThat(KernelCorpus.read(dir.resolve("here").resolve("corpus"))).hasSize(12);
        // the first 10 profiled were timed again, and compared with their own first timing
        assertThat(r.repeatability().models()).isEqualTo(OnboardModels.RECHECKED);
        assertThat(r.repeatability()).isEqualTo(OnboardModels.repeatability(KernelCorpus.read(dir.resolve("here").resolve("corpus")),
                KernelCorpus.read(dir.resolve("here").resolve("recheck"))));
        assertThat(Files.readString(dir.resolve("here").resolve("onboard-models.json"))).contains("\"repeatability\"");
        // a second run measures nothing new: every model is already in the corpora
        OnboardModels.Result again = OnboardModels.run(request, Listener.NONE);
        assertThat(again.validation()).isEqualTo(r.validation());
        assertThat(again.repeatability()).isEqualTo(r.repeatability());

        var adapt = new OnboardModels.Request("other", dir.resolve("other"), r.modelFile(), "shufflenetv2", 6, 5, QUICK.withThreads(2), 4);
        OnboardModels.Result a = OnboardModels.run(adapt, Listener.NONE);
        assertThat(a.model()).isInstanceOf(DeviceAdaptation.class);
        assertThat(a.model().describe()).contains("6 latencies");
        assertThat(a.repeatability().models()).as("all 6 timed models, fewer than %d", OnboardModels.RECHECKED).isEqualTo(6);
        // the --from model as it was, scored on the very validation models the adapted one was
        assertThat(a.beforeAdapting()).isEqualTo(OnboardModels.validate(PredictModel.load(r.modelFile()), KernelCorpus.read(dir.resolve("other").resolve("validation"))));
        assertThat(a.beforeAdapting().models()).isEqualTo(5);
        assertThat(Files.readString(dir.resolve("other").resolve("onboard-models.json"))).contains("validationBeforeAdapting");
        assertThat(Files.readString(dir.resolve("here").resolve("onboard-models.json"))).doesNotContain("validationBeforeAdapting");

        Path onnx = dir.resolve("m.onnx");
        Files.write(onnx, dev.halo.onnx.zoo.ModelZoo.parse("shufflenetv2:res=96").export(1, 0).bytes());
        PredictModel.Result p = PredictModel.run(new PredictModel.Request(onnx, Map.of(), List.of(r.modelFile(), a.modelFile())));
        assertThat(p.devices()).hasSize(2).allMatch(d -> d.prediction().ms() > 0 && d.prediction().lowMs() <= d.prediction().ms());
        assertThat(p.kernels()).isNotEmpty();
    }

    @Test
    void repeatabilityComparesEachModelWithItsOwnFirstTimingOnly() {
        List<KernelCorpus.Model> first = List.of(timed("a", 10), timed("b", 20), timed("c", 40), timed("d", 5));
        // a +5 %, b +20 %, c -5 %; d was not timed again, e was never timed first
        List<KernelCorpus.Model> again = List.of(timed("a", 10.5), timed("b", 24), timed("c", 38), timed("e", 99));
        OnboardModels.Repeatability r = OnboardModels.repeatability(first, again);
        assertThat(r.models()).isEqualTo(3);
        assertThat(r.within10()).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.medianAbsDifference()).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(OnboardModels.repeatability(first, List.of()).models()).isZero();
    }

    private static KernelCorpus.Model timed(String id, double ms) {
        return new KernelCorpus.Model(id, "resnet", 224, 1, 1, List.of(), ms, ms, new double[] {ms});
    }

    @Test
    void badRequestsAreRefusedBeforeAnythingIsMeasured() {
        assertThatThrownBy(() -> new OnboardModels.Request("bad name", dir, null, "all", 300, 40, QUICK, 1)).isInstanceOf(BadInputException.class)
                .hasMessageContaining("--name");
        assertThatThrownBy(() -> new OnboardModels.Request("x", dir, null, "all", 5, 40, QUICK, 1)).hasMessageContaining("--models must be in 10..5000");
        assertThatThrownBy(() -> PredictModel.load(dir.resolve("none.json"))).hasMessageContaining("no such file");
    }
}
