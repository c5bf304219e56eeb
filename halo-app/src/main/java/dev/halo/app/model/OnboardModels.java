package dev.halo.app.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.io.SafeOutput;
import dev.halo.kernel.DeviceAdaptation;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelCorpus;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelModelFile;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.MeasureSettings;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooModel;
import dev.halo.stats.Metrics;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Use case {@code halo model onboard}: make this machine a device that arbitrary ONNX models can be predicted for.
 * Either profile zoo models here and fit a kernel model (the kernel shapes of this device, 4 to 9 minutes of profiling for 300
 * models on the 2-vCPU dev VM), or, with a kernel model of another device, profile a few zoo models here and adapt
 * that model: their kernel times correct its per-kernel times, their latencies fit a factor per kernel group. Then time fresh zoo models the fit never saw and
 * report how well the model predicts them, and time the first profiled models again to report how well this machine
 * repeats itself over the onboarding. Everything measured is kept in corpus folders under {@code out}, so a rerun
 * resumes.
 */
public final class OnboardModels {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Validation models are drawn with another seed than the fit's, and any model the fit used is skipped. */
    static final long VALIDATION_SEED_OFFSET = 1_000_003;
    /**
     * How many of the first profiled models are timed again at the end. A shared VM's speed moves by kind of kernel from
     * one hour to the next (docs/results/kernels.md, session 16): the prediction cannot be more repeatable than the
     * machine, and this says how repeatable it was while it was onboarded.
     */
    public static final int RECHECKED = 10;

    /**
     * @param from a kernel model of another device to adapt (null: profile and fit this device's own)
     * @param models zoo models profiled for the fit, or timed for the adaptation
     * @param validate fresh zoo models timed to check the result
     * @param family the zoo family the models are drawn from ("all": every family in turn)
     */
    public record Request(String name, Path out, Path from, String family, int models, int validate, MeasureSettings settings, long seed) {
        public Request {
            if (name == null || !NAME.matcher(name).matches()) throw new BadInputException("--name must be 1-64 of letters, digits, . _ -, got '" + name + "'");
            if (from == null && (models < 10 || models > 5000)) throw new BadInputException("--models must be in 10..5000 to fit a kernel model, got " + models);
            if (from != null && (models < 3 || models > 200)) throw new BadInputException("--models must be in 3..200 to adapt a kernel model, got " + models);
            if (validate < 5 || validate > 2000) throw new BadInputException("--validate must be in 5..2000, got " + validate);
        }
    }

    /** How the device model predicted the fresh models: shares and errors as fractions (0.05 = 5 %), rank agreement, interval coverage. */
    public record Validation(int models, double within10, double medianAbsError, double mape, double spearman, double coverage90) {}

    /**
     * The first profiled models timed again at the end of the onboarding, against their first timing.
     *
     * @param within10 share whose second latency is within ±10 % of the first (a fraction)
     * @param medianAbsDifference median of |second / first - 1|
     */
    public record Repeatability(int models, double within10, double medianAbsDifference) {}

    /**
     * @param beforeAdapting with --from: the same validation of the --from model as it was, before adapting it; it shows
     *                       how far this machine is from the one it was fitted on (also the same machine on another day:
     *                       timings drift by kind between sessions, docs/results/kernels.md); null without --from
     * @param repeatability the first profiled models timed again after the validation, against their first timing
     */
    public record Result(GraphLatencyModel model, Path modelFile, Validation validation, Validation beforeAdapting, Repeatability repeatability,
            DeviceFingerprint device, double minutes) {}

    private OnboardModels() {}

    public static Result run(Request r, Listener listener) {
        long start = System.nanoTime();
        GraphLatencyModel given = r.from() == null ? null : PredictModel.load(r.from());
        KernelCostModel source = given == null ? null : sourceOf(given);
        Path fitCorpus = r.out().resolve(r.from() == null ? "corpus" : "known");
        Path validationCorpus = r.out().resolve("validation");
        Path modelFile = r.out().resolve(r.name() + ".kernel-model.json");
        SafeOutput.check(modelFile, "--out");
        List<ZooModel> fitModels = ModelZoo.sample(r.family(), r.models(), r.seed());
        ProfileModels.Result profiled = ProfileModels.run(new ProfileModels.Request(fitModels.stream().<ProfileModels.Source>map(ProfileModels.Source.Zoo::new).toList(),
                r.settings(), 10, 1, r.seed(), fitCorpus), stage(listener, r.from() == null ? "profile" : "time"));
        DeviceFingerprint device = profiled.device();
        List<KernelCorpus.Model> known = KernelCorpus.read(fitCorpus);
        if (known.size() < Math.min(r.models(), r.from() == null ? 10 : 3))
            throw new IllegalStateException("only " + known.size() + " of " + r.models() + " models could be measured: " + String.join("; ", profiled.failed()));
        listener.checkCancelled();
        listener.progress("fit", 0, 1, "");
        GraphLatencyModel model = source == null
                ? FitKernelModel.run(new FitKernelModel.Request(fitCorpus, null))
                // the known models were profiled here too: their kernel times correct the source's (the variant that won
                // on the zoo pool, docs/results/kernels.md)
                : DeviceAdaptation.fitProfiled(device.id(), source, known);
        listener.progress("fit", 1, 1, "");
        Set<String> used = new HashSet<>();
        known.forEach(m -> used.add(m.id()));
        List<ZooModel> fresh = ModelZoo.sample(r.family(), r.validate() + used.size(), r.seed() + VALIDATION_SEED_OFFSET).stream()
                .filter(m -> !used.contains(m.canonical())).limit(r.validate()).toList();
        ProfileModels.run(new ProfileModels.Request(fresh.stream().<ProfileModels.Source>map(ProfileModels.Source.Zoo::new).toList(), r.settings(),
                10, 1, r.seed(), validationCorpus), stage(listener, "validate"));
        Set<String> freshIds = new HashSet<>();
        fresh.forEach(m -> freshIds.add(m.canonical()));
        List<KernelCorpus.Model> checked = KernelCorpus.read(validationCorpus).stream().filter(m -> freshIds.contains(m.id())).toList();
        Validation v = validate(model, checked);
        Validation before = given == null ? null : validate(given, checked);
        listener.checkCancelled();
        // the models profiled first, timed once more now, the same way: the longest stretch of this onboarding
        List<ZooModel> first = fitModels.stream().filter(m -> used.contains(m.canonical())).limit(RECHECKED).toList();
        Path recheckCorpus = r.out().resolve("recheck");
        ProfileModels.run(new ProfileModels.Request(first.stream().<ProfileModels.Source>map(ProfileModels.Source.Zoo::new).toList(), r.settings(),
                10, 1, r.seed(), recheckCorpus), stage(listener, "recheck"));
        Repeatability again = repeatability(known, KernelCorpus.read(recheckCorpus));
        SafeOutput.writeString(modelFile, "--out", KernelModelFile.toJson(model));
        SafeOutput.writeString(r.out().resolve("onboard-models.json"), "--out", report(r, model, v, before, again, device));
        return new Result(model, modelFile, v, before, again, device, (System.nanoTime() - start) / 6e10);
    }

    /** The models of {@code again} against the same models in {@code first}, by latency. */
    static Repeatability repeatability(List<KernelCorpus.Model> first, List<KernelCorpus.Model> again) {
        Map<String, Double> before = new HashMap<>();
        first.forEach(m -> before.put(m.id(), m.latencyMs()));
        List<KernelCorpus.Model> both = again.stream().filter(m -> before.containsKey(m.id())).toList();
        if (both.isEmpty()) return new Repeatability(0, Double.NaN, Double.NaN);
        double[] now = both.stream().mapToDouble(KernelCorpus.Model::latencyMs).toArray();
        double[] then = both.stream().mapToDouble(m -> before.get(m.id())).toArray();
        double[] diff = both.stream().mapToDouble(m -> Math.abs(m.latencyMs() / before.get(m.id()) - 1)).sorted().toArray();
        return new Repeatability(both.size(), Metrics.withinTolerance(now, then, 0.10), Metrics.quantile(diff, 0.5));
    }

    static Validation validate(GraphLatencyModel model, List<KernelCorpus.Model> checked) {
        int n = checked.size();
        double[] p = new double[n], lo = new double[n], hi = new double[n], a = new double[n], err = new double[n];
        for (int i = 0; i < n; i++) {
            KernelCostModel.Prediction pr = model.predict(checked.get(i).shapes());
            p[i] = pr.ms();
            lo[i] = pr.lowMs();
            hi[i] = pr.highMs();
            a[i] = checked.get(i).latencyMs();
            err[i] = Math.abs(p[i] / a[i] - 1);
        }
        Arrays.sort(err);
        double median = n == 0 ? Double.NaN : Metrics.quantile(err, 0.5);
        return new Validation(n, n == 0 ? Double.NaN : Metrics.withinTolerance(p, a, 0.10), median, n == 0 ? Double.NaN : Metrics.mape(p, a) / 100,
                n < 3 ? Double.NaN : Metrics.spearman(p, a), n == 0 ? Double.NaN : Metrics.intervalCoverage(lo, hi, a));
    }

    private static KernelCostModel sourceOf(GraphLatencyModel m) {
        return switch (m) {
            case KernelCostModel k -> k;
            case DeviceAdaptation a -> a.source();
        };
    }

    private static Listener stage(Listener inner, String stage) {
        return new Listener() {
            @Override
            public void progress(String s, long done, long total, String detail) {
                inner.progress(stage, done, total, detail);
            }

            @Override
            public boolean cancelled() {
                return inner.cancelled();
            }
        };
    }

    private static String report(Request r, GraphLatencyModel model, Validation v, Validation before, Repeatability again, DeviceFingerprint device) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("name", r.name());
        o.put("device", device.id());
        o.put("deviceLabel", device.label());
        o.put("model", model.describe());
        o.put("mode", r.from() == null ? "profiled" : "adapted from " + r.from());
        o.put("models", r.models());
        o.put("seed", r.seed());
        o.set("validation", json.valueToTree(v));
        if (before != null) o.set("validationBeforeAdapting", json.valueToTree(before));
        o.set("repeatability", json.valueToTree(again));
        return o.toPrettyString() + "\n";
    }
}
