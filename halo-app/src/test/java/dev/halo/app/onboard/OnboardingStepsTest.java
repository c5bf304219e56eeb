package dev.halo.app.onboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.LatencyMeter;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two halves of an onboarding, (a) the plan's draw and (b) the fit and validation over measured rows, give what
 * {@link Onboarding#run} gives: the farm measures the same draw through agents and fits it with {@link Onboarding#fitMeasured}.
 */
class OnboardingStepsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Double> OP_MS = Map.of("nor_conv_3x3", 0.5, "nor_conv_1x1", 0.15, "avg_pool_3x3", 0.07, "skip_connect", 0.02, "none", 0.0);

    /** Made-up measurements: a known cost per cell operation plus 3 % noise seeded by the arch and how often it was timed (its round). */
    private static final class FakeBench implements Onboarding.Bench {
        private final Optional<String> mismatch;
        private final Map<String, Integer> timed = new ConcurrentHashMap<>();

        FakeBench(Optional<String> mismatch) {
            this.mismatch = mismatch;
        }

        @Override
        public DeviceFingerprint fingerprint(MeasureSettings settings) {
            return new DeviceFingerprint("made-up CPU", 2, "Linux test", "test JVM", "none", "cpu", settings.intraOpThreads(), settings.batch(), "all", false, "fp32");
        }

        @Override
        public LatencyMeter meter(SearchSpace<?> space, MeasureSettings settings, long seed, Function<String, Architecture> arch) {
            return canonical -> {
                assertThat(arch.apply(canonical)).as("an arch of the plan").isNotNull();
                int round = timed.merge(canonical, 1, Integer::sum);
                double ms = 0.3;
                for (String edge : canonical.split("\\|")) {
                    int tilde = edge.indexOf('~');
                    if (tilde > 0) ms += OP_MS.get(edge.substring(0, tilde));
                }
                ms *= 1 + 0.03 * new Random(canonical.hashCode() * 31L + round).nextGaussian();
                return new Outcome.Measured(new LatencyStats(20, ms * 0.97, ms, ms * 1.04, ms * 1.01, 0.02, 0.02, 0.01));
            };
        }

        @Override
        public Onboarding.KernelCheck kernelCheck() {
            return (space, archs) -> mismatch;
        }
    }

    private static Onboarding.Plan plan(String predictor, Path dir, Path out) {
        return Onboarding.plan("nasbench201", "box", new Onboarding.Choices(predictor, Onboarding.AUTO_FEATURES, null, 10, 30, 2, 7, "median", 10, 0.8,
                dir.resolve("store.db"), out), MeasureSettings.defaults()).plan();
    }

    /** A written JSON file without its creation times (the only thing two runs may differ in). */
    private static JsonNode withoutTimes(Path file) throws Exception {
        JsonNode doc = JSON.readTree(file.toFile());
        strip(doc);
        return doc;
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) o.remove("created");
        n.forEach(OnboardingStepsTest::strip);
    }

    @ParameterizedTest
    // op-costs with the kernels agreeing and not (HELP shares the steps; its adaptation takes a minute on a loaded machine)
    @CsvSource({"op-costs,", "op-costs,'|nor_conv_3x3~0|+|...: ONNX Runtime runs other kernels'"})
    void fittingTheRowsOfALocalRunGivesWhatTheLocalRunGave(String predictor, String mismatch, @TempDir Path dir) throws Exception {
        Onboarding.Plan local = plan(predictor, dir, dir.resolve("local"));
        Onboarding.Result ran = new Onboarding(local, new FakeBench(Optional.ofNullable(mismatch))).run(new Listen());
        assertThat(ran.stopped()).isFalse();

        Onboarding.Plan farm = plan(predictor, dir, dir.resolve("farm"));
        List<MeasurementStore.Row> rows;
        try (MeasurementStore db = MeasurementStore.open(local.store())) {
            long device = db.devices().get(0).id();
            rows = new java.util.ArrayList<>(db.rows(device, "nasbench201"));
        }
        java.util.Collections.shuffle(rows, new Random(3)); // rows come in any order
        Onboarding.KernelCheck check = (space, archs) -> {
            assertThat(archs).isEqualTo(Onboarding.kernelCheckArchs(farm));
            return Optional.ofNullable(mismatch);
        };
        // (a): the draw is the local run's
        Onboarding.Draw draw = new Onboarding(farm).drawWith(check, new Listen());
        assertThat(rows.stream().map(MeasurementStore.Row::canonical).distinct().count())
                .isEqualTo(draw.references().size() + draw.samples().size() + draw.validation().size());
        // (b): the fit and validation over the same rows
        Onboarding.Result fitted = new Onboarding(farm).fitMeasured(check, ran.fingerprint(), rows, new Listen());

        assertThat(fitted.validation()).isEqualTo(ran.validation());
        assertThat(fitted.features()).isEqualTo(ran.features());
        assertThat(fitted.referenceMs()).isEqualTo(ran.referenceMs());
        assertThat(fitted.sampleMs()).isEqualTo(ran.sampleMs());
        assertThat(fitted.level()).isEqualTo(ran.level());
        assertThat(fitted.deviceModel().getFileName()).isEqualTo(ran.deviceModel().getFileName());
        assertThat(withoutTimes(fitted.deviceModel())).isEqualTo(withoutTimes(ran.deviceModel()));
        assertThat(withoutTimes(fitted.report())).isEqualTo(withoutTimes(ran.report()));
        assertThat(Files.readString(fitted.predictions())).isEqualTo(Files.readString(ran.predictions()));
        if (predictor.equals("op-costs"))
            assertThat(ran.features().name()).isEqualTo(mismatch == null ? "executed-kernels" : "op-counts");
        assertThat(ran.validation().validated()).isEqualTo(30);
        assertThat(ran.validation().spearman()).as("the made-up costs are additive: the fit finds them").isGreaterThan(0.8);
    }

    private static final class Listen implements Onboarding.Listener {
        @Override
        public void phase(String message) {}

        @Override
        public void progress(String stage, long done, long total, String detail) {}
    }
}
