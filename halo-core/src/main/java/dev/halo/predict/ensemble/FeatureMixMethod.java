package dev.halo.predict.ensemble;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.ensemble.RowFeatures.DeviceColumns;
import dev.halo.predict.ensemble.RowFeatures.Group;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Device mix with architecture features: the new device's known latencies (reference + samples) are
 * regressed on the meta-train devices' latencies of the same architectures, optionally plus the
 * architecture's FLOPs/params ({@code cost}) and its one-hot encoding ({@code encoding}), each group with its
 * own ridge penalty, in ms or in log-ms. The encoding group is a residual model: with a large penalty it only
 * corrects what the device mix leaves unexplained. Penalties and the log choice are picked on the
 * meta-valid devices; intervals are jackknife intervals of the same fit.
 *
 * <p>The device columns can also be a {@link DeviceNet}'s predictions of the train devices' latencies instead of
 * (or beside) the measured ones: several train devices report integer milliseconds, and the network's smooth
 * versions of their columns fit a new device better (docs/results/beyond.md: NB201 .932 → .950 with
 * {@code mix-src-loo-long}). Without valid devices the first source in the list is used.
 *
 * <p>With a {@link GlobalSelection.Procedure} the global choices are instead scored on the valid devices and on
 * each train device held out in turn ({@link SelectionDevices}), by the devices-only fit or by the whole per-device
 * method (docs/results/beyond.md, 2026-11-26 evening: {@code mix-src-loo-cv}, {@code -w}, {@code -cvw}).
 */
public final class FeatureMixMethod implements FewShotMethod {
    static final double[] DEVICE_LAMBDAS = {1e-3, 1e-2, 3e-2, 0.1, 0.3, 1};
    static final double[] COST_LAMBDAS = {1e-2, 0.1, 1, 10};
    static final double[] ENCODING_LAMBDAS = {0.3, 1, 3, 10, 30, 100, 300};

    private final String name;
    private final Set<Group> groups;
    private final boolean perDevice;
    private final List<DeviceColumns> sources;
    private final DeviceNet.Options net;
    private final boolean everythingPerDevice;
    private final boolean learnedEncoding;
    private final GlobalSelection.Procedure procedure;

    /**
     * @param perDevice false: every penalty is chosen on the valid devices. true: only the device-mix penalty
     *     and the log choice are (from a devices-only fit); the cost and encoding penalties are chosen for each
     *     new device by leave-one-out on its own known latencies, so a device whose latency follows FLOPs or
     *     the encoding more than the valid devices' do can trust those features more.
     */
    public FeatureMixMethod(String name, Set<Group> groups, boolean perDevice) {
        this(name, groups, perDevice, false, List.of(DeviceColumns.MEASURED), DeviceNet.Options.standard(), false);
    }

    /**
     * @param sources where the device columns may come from ({@link DeviceColumns}); with more than one, the
     *     source is chosen on the valid devices together with λ_devices and the log option. A source other than
     *     MEASURED trains a {@link DeviceNet} with options {@code net} once on the train devices.
     * @param everythingPerDevice λ_devices and the log option are chosen per device by leave-one-out too (with
     *     cost and encoding; implies {@code perDevice}), from the first source; the valid devices are not used
     */
    FeatureMixMethod(String name, Set<Group> groups, boolean perDevice, boolean everythingPerDevice, List<DeviceColumns> sources,
            DeviceNet.Options net) {
        this(name, groups, perDevice, everythingPerDevice, sources, net, false);
    }

    /**
     * @param learnedEncoding the encoding group holds the {@link DeviceNet}'s last hidden layer (features learned
     *     on the train devices) instead of the space's one-hot encoding
     */
    FeatureMixMethod(String name, Set<Group> groups, boolean perDevice, boolean everythingPerDevice, List<DeviceColumns> sources,
            DeviceNet.Options net, boolean learnedEncoding) {
        this(name, groups, perDevice, everythingPerDevice, sources, net, learnedEncoding, null);
    }

    /**
     * @param procedure non-null (per-device methods only): the global choices (source, log option, λ_devices) are
     *     scored on the valid and the held-out train devices ({@link GlobalSelection}) and made by this procedure;
     *     the report shows what every procedure would choose and how it scores
     */
    FeatureMixMethod(String name, Set<Group> groups, boolean perDevice, boolean everythingPerDevice, List<DeviceColumns> sources,
            DeviceNet.Options net, boolean learnedEncoding, GlobalSelection.Procedure procedure) {
        if (procedure != null && (!perDevice || everythingPerDevice))
            throw new IllegalArgumentException("a selection procedure needs a per-device method with global choices");
        this.procedure = procedure;
        this.learnedEncoding = learnedEncoding;
        if (sources.isEmpty()) throw new IllegalArgumentException("no device-column source");
        this.name = name;
        this.groups = EnumSet.copyOf(groups);
        this.perDevice = perDevice || everythingPerDevice;
        this.everythingPerDevice = everythingPerDevice;
        this.sources = List.copyOf(sources);
        this.net = net;
    }

    public FeatureMixMethod(String name, Set<Group> groups) {
        this(name, groups, false);
    }

    /** Train devices + FLOPs/params. */
    public static FeatureMixMethod withCost() {
        return new FeatureMixMethod("mix-cost", EnumSet.of(Group.DEVICES, Group.COST));
    }

    /** Train devices + FLOPs/params + one-hot encoding (residual correction). */
    public static FeatureMixMethod withEncoding() {
        return new FeatureMixMethod("mix-enc", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING));
    }

    /** Train devices + FLOPs/params + encoding, cost and encoding penalties chosen per device by leave-one-out. */
    public static FeatureMixMethod withEncodingPerDevice() {
        return new FeatureMixMethod("mix-loo", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true);
    }

    /** Denoised train devices only ({@link DeviceNet}); penalty and log choice on valid devices. */
    public static FeatureMixMethod denoisedDevices() {
        return new FeatureMixMethod("mix-net", EnumSet.of(Group.DEVICES), false, false, List.of(DeviceColumns.DENOISED), DeviceNet.Options.standard());
    }

    /** {@link #withEncodingPerDevice()} with denoised train-device columns ({@link DeviceNet}). */
    public static FeatureMixMethod denoisedPerDevice() {
        return new FeatureMixMethod("mix-net-loo", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, false,
                List.of(DeviceColumns.DENOISED), DeviceNet.Options.standard());
    }

    /**
     * Denoised device columns, cost and encoding, with every choice (λ_devices, log option, λ_cost, λ_enc) made
     * per device by leave-one-out on its known rows; the valid devices are not used.
     */
    public static FeatureMixMethod denoisedEverythingPerDevice() {
        return new FeatureMixMethod("mix-net-loo-all", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, true,
                List.of(DeviceColumns.DENOISED), DeviceNet.Options.standard());
    }

    /**
     * {@link #denoisedPerDevice()} with the network's last hidden layer (128 learned features) as the residual
     * group instead of the one-hot encoding: a ridge on them is a last-layer fine-tune of the shared network.
     */
    public static FeatureMixMethod denoisedLearnedEncodingPerDevice() {
        return new FeatureMixMethod("mix-net-loo-h", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, false,
                List.of(DeviceColumns.DENOISED), DeviceNet.Options.standard(), true);
    }

    /** {@link #chosenSourcePerDevice()} with a network trained for at least 3,000 Adam steps ({@link DeviceNet.Options#longer()}). */
    public static FeatureMixMethod chosenSourcePerDeviceLonger() {
        return new FeatureMixMethod("mix-src-loo-long", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, false,
                List.of(DeviceColumns.values()), DeviceNet.Options.longer());
    }

    /**
     * {@link #chosenSourcePerDeviceLonger()} with its global choices (λ_devices, log option, device-column source)
     * made by {@code procedure} on the valid devices and/or the train devices, each held out in turn (its column
     * removed, the network retrained without it): HELP's valid devices are GPUs and a Xeon, the train devices
     * include four phones.
     */
    static FeatureMixMethod chosenSourcePerDeviceSelected(String name, GlobalSelection.Procedure procedure) {
        return new FeatureMixMethod(name, EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, false,
                List.of(DeviceColumns.values()), DeviceNet.Options.longer(), false, procedure);
    }

    /** Devices-only fits scored on the valid and the held-out train devices. */
    public static FeatureMixMethod heldOutDevicesOnly() {
        return chosenSourcePerDeviceSelected("mix-src-loo-cv", new GlobalSelection.Procedure(GlobalSelection.Criterion.DEVICES_ONLY, true));
    }

    /** The whole per-device method scored on the valid devices. */
    public static FeatureMixMethod validWholeMethod() {
        return chosenSourcePerDeviceSelected("mix-src-loo-w", new GlobalSelection.Procedure(GlobalSelection.Criterion.WHOLE_METHOD, false));
    }

    /** The whole per-device method scored on the valid and the held-out train devices. */
    public static FeatureMixMethod heldOutWholeMethod() {
        return chosenSourcePerDeviceSelected("mix-src-loo-cvw", new GlobalSelection.Procedure(GlobalSelection.Criterion.WHOLE_METHOD, true));
    }

    /**
     * {@link #withEncodingPerDevice()} with the device columns measured, denoised or both, whichever the
     * devices-only fit scores best on the valid devices.
     */
    public static FeatureMixMethod chosenSourcePerDevice() {
        return new FeatureMixMethod("mix-src-loo", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, false,
                List.of(DeviceColumns.values()), DeviceNet.Options.standard());
    }

    /** Train devices only, but with the log-ms option in the validated grid (device-mix's log twin). */
    public static FeatureMixMethod devicesOnly() {
        return new FeatureMixMethod("mix-log", EnumSet.of(Group.DEVICES));
    }

    @Override
    public String name() {
        return name;
    }

    /** One point of the validated grid. */
    public record Setting(double devices, double cost, double encoding, boolean log) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "lambda devices %s, cost %s, encoding %s, %s", devices, cost, encoding, log ? "log-ms" : "ms");
        }
    }

    @Override
    public Fitted prepare(FewShotContext context) {
        DeviceNet.Features denoised = learnedEncoding || sources.stream().anyMatch(DeviceColumns::needsNet) ? DeviceNet.features(context, net) : null;
        if (everythingPerDevice) {
            List<Group> g = List.copyOf(groups);
            DeviceColumns source = sources.get(0);
            Setting start = new Setting(DEVICE_LAMBDAS[0], Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false);
            return scoredOnValid(context, new Fitted(context, RowFeatures.of(context, g, false, source, denoised, learnedEncoding), start,
                    Double.NaN, true, source, false, RowFeatures.of(context, g, true, source, denoised, learnedEncoding)));
        }
        if (procedure != null) return scoredOnValid(context, selected(context, denoised));
        if (perDevice) {
            Fitted devices = new FeatureMixMethod(name, EnumSet.of(Group.DEVICES), false, false, sources, net, false).prepare(context);
            List<Group> g = List.copyOf(groups);
            boolean log = devices.setting().log();
            return scoredOnValid(context, new Fitted(context, RowFeatures.of(context, g, log, devices.source, denoised, learnedEncoding),
                    devices.setting(), devices.validSpearman, true, devices.source, sources.size() > 1));
        }
        List<Group> g = List.copyOf(groups);
        List<FewShotTask> tasks = Validation.tasks(context);
        if (tasks.isEmpty()) { // nothing to validate on: a moderate, middle-of-the-grid setting
            Setting fallback = new Setting(0.1, groups.contains(Group.COST) ? 1 : Double.POSITIVE_INFINITY,
                    groups.contains(Group.ENCODING) ? 30 : Double.POSITIVE_INFINITY, false);
            DeviceColumns source = sources.get(0);
            return new Fitted(context, RowFeatures.of(context, g, false, source, denoised, learnedEncoding), fallback, Double.NaN, false, source, false);
        }
        Setting best = null;
        DeviceColumns bestSource = null;
        RowFeatures bestFeatures = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (DeviceColumns source : sources) {
            RowFeatures linear = RowFeatures.of(context, g, false, source, denoised, learnedEncoding), log = RowFeatures.of(context, g, true, source, denoised, learnedEncoding);
            for (Setting s : grid()) {
                RowFeatures f = s.log() ? log : linear;
                double[] penalty = f.penalties(s.devices(), s.cost(), s.encoding());
                double score = Validation.meanSpearman(context, tasks, task -> {
                    MixPredictor p = MixPredictor.fit(context, f, task.knownIndices(), task.knownLatencies(), penalty, s.log(), false);
                    return p::predictRow;
                });
                if (score > bestScore) {
                    bestScore = score;
                    best = s;
                    bestSource = source;
                    bestFeatures = f;
                }
            }
        }
        return new Fitted(context, bestFeatures, best, bestScore, false, bestSource, sources.size() > 1);
    }

    /** The whole per-device method on the split's context with the global choice {@code choice}. */
    Fitted fitted(FewShotContext context, GlobalSelection.Choice choice) {
        DeviceNet.Features denoised = choice.source().needsNet() || learnedEncoding ? DeviceNet.features(context, net) : null;
        return new Fitted(context, RowFeatures.of(context, List.copyOf(groups), choice.setting().log(), choice.source(), denoised, learnedEncoding),
                choice.setting(), Double.NaN, true, choice.source(), false);
    }

    /**
     * Scores every global choice on the selection devices (both criteria), makes the choice by {@link #procedure}
     * and fits the split's context with it; without a device to choose on, the moderate default of the valid-only
     * path (λ_devices 0.1, ms, first source).
     */
    private Fitted selected(FewShotContext context, DeviceNet.Features denoised) {
        GlobalSelection.Scores scores = selectionScores(context);
        int c = scores.choose(procedure);
        GlobalSelection.Choice choice = c < 0
                ? new GlobalSelection.Choice(sources.get(0), new Setting(0.1, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false))
                : scores.choices().get(c);
        Setting s = choice.setting();
        double score = c < 0 ? Double.NaN : GlobalSelection.mean(scores.matrix(procedure.criterion())[c], scores.scope(procedure));
        Fitted fitted = new Fitted(context, RowFeatures.of(context, List.copyOf(groups), s.log(), choice.source(), denoised, learnedEncoding),
                s, score, true, choice.source(), sources.size() > 1);
        fitted.selection = new SelectionReport(procedure, scores, c);
        return fitted;
    }

    /**
     * Both criteria for every (source, log option, λ_devices) on every selection device, in that device's own
     * context (a held-out train device's network is trained without it). The grid's order is the valid-only
     * path's, so both resolve ties alike.
     */
    GlobalSelection.Scores selectionScores(FewShotContext context) {
        List<SelectionDevices.Device> devices = SelectionDevices.of(context, true);
        List<Group> g = List.copyOf(groups);
        List<GlobalSelection.Choice> choices = new ArrayList<>();
        double inf = Double.POSITIVE_INFINITY;
        for (DeviceColumns source : sources)
            for (boolean log : new boolean[] {false, true})
                for (double d : DEVICE_LAMBDAS) choices.add(new GlobalSelection.Choice(source, new Setting(d, inf, inf, log)));
        double[][] devicesOnly = new double[choices.size()][devices.size()], whole = new double[choices.size()][devices.size()];
        double[][][] wholeTasks = new double[choices.size()][devices.size()][], similarity = new double[devices.size()][][];
        Map<FewShotContext, Map<FeatureKey, RowFeatures>> cache = new IdentityHashMap<>(); // the valid devices share one context
        for (int k = 0; k < devices.size(); k++) {
            SelectionDevices.Device device = devices.get(k);
            FewShotContext c = device.context();
            Map<FeatureKey, RowFeatures> features = cache.computeIfAbsent(c, x -> new HashMap<>());
            for (int i = 0; i < choices.size(); i++) {
                DeviceColumns source = choices.get(i).source();
                Setting s = choices.get(i).setting();
                DeviceNet.Features net = source.needsNet() || learnedEncoding ? DeviceNet.features(c, this.net) : null;
                RowFeatures alone = features.computeIfAbsent(new FeatureKey(source, true, s.log()),
                        key -> RowFeatures.of(c, List.of(Group.DEVICES), s.log(), source, net, false));
                RowFeatures all = features.computeIfAbsent(new FeatureKey(source, false, s.log()),
                        key -> RowFeatures.of(c, g, s.log(), source, net, learnedEncoding));
                double[] penalty = alone.penalties(s.devices(), inf, inf);
                devicesOnly[i][k] = Validation.meanSpearman(c, device.tasks(),
                        task -> MixPredictor.fit(c, alone, task.knownIndices(), task.knownLatencies(), penalty, s.log(), false)::predictRow);
                Fitted method = new Fitted(c, all, s, Double.NaN, true, source, false);
                wholeTasks[i][k] = Validation.spearmans(c, device.tasks(), task -> method.fit(task, false)::predictRow);
                whole[i][k] = GlobalSelection.mean(wholeTasks[i][k], t -> true);
            }
            similarity[k] = device.tasks().stream().map(task -> similarities(context, task, devices)).toArray(double[][]::new);
        }
        int valid = (int) devices.stream().filter(d -> !d.heldOutTrain()).count();
        return new GlobalSelection.Scores(devices.stream().map(SelectionDevices.Device::name).toList(), valid, choices, devicesOnly, whole,
                wholeTasks, similarity);
    }

    /**
     * How much each selection device's latencies resemble the task's device on the task's known rows: Pearson
     * correlation of log latencies, from the split's table (which holds every train and valid device).
     */
    static double[] similarities(FewShotContext context, FewShotTask task, List<SelectionDevices.Device> devices) {
        int[] rows = task.knownIndices();
        double[] y = java.util.Arrays.stream(task.knownLatencies()).map(Math::log).toArray();
        double[] out = new double[devices.size()];
        for (int j = 0; j < out.length; j++) {
            double[] lat = context.table().latencies(devices.get(j).name());
            double[] x = new double[rows.length];
            for (int i = 0; i < rows.length; i++) x[i] = Math.log(lat[rows[i]]);
            out[j] = GlobalSelection.pearson(x, y);
        }
        return out;
    }

    private record FeatureKey(DeviceColumns source, boolean devicesOnly, boolean log) {}

    /** What the selection saw, for the report: every procedure's choice, in-sample and nested scores, per device. */
    record SelectionReport(GlobalSelection.Procedure procedure, GlobalSelection.Scores scores, int chosen) {
        String describe() {
            var s = scores;
            int n = s.devices().size(), valid = s.validDevices();
            StringBuilder b = new StringBuilder();
            b.append(chosen < 0 ? "lambda devices 0.1, ms (default; no selection device)" : s.choices().get(chosen).describe())
                    .append(" chosen by ").append(procedure.describe()).append(" devices");
            b.append(String.format(Locale.ROOT, "; selection devices: %d valid + %d held-out train; whole-method spearman on them"
                    + " (all / valid / held-out train), in-sample and nested (each device scored with a choice made without it):", valid, n - valid));
            for (GlobalSelection.Procedure p : GlobalSelection.Procedure.ALL) {
                int c = s.choose(p);
                b.append(" [").append(p.describe()).append(p.equals(GlobalSelection.Procedure.VALID_DEVICES_ONLY) ? " = mix-src-loo-long" : "")
                        .append(": ");
                if (c < 0) {
                    b.append("no device]");
                    continue;
                }
                double[] nested = s.nested(p);
                b.append(s.choices().get(c).describe()).append(", in-sample ").append(triple(s.whole()[c], valid))
                        .append(", nested ").append(triple(nested, valid)).append(']');
            }
            if (s.wholeTasks() != null && n > 1)
                b.append(" [per task, the most similar other selection device's own best (mix-src-loo-nn): nested ")
                        .append(triple(s.nearestNested(), valid)).append(']');
            int reference = s.choose(GlobalSelection.Procedure.VALID_DEVICES_ONLY);
            if (chosen >= 0) {
                b.append("; per device, whole method with this choice").append(reference >= 0 ? " / mix-src-loo-long's:" : ":");
                for (int k = 0; k < n; k++) {
                    b.append(k == 0 ? " " : ", ").append(s.devices().get(k)).append(String.format(Locale.ROOT, " %.4f", s.whole()[chosen][k]));
                    if (reference >= 0) b.append(String.format(Locale.ROOT, " / %.4f", s.whole()[reference][k]));
                }
            }
            // an upper bound, not a method: each device's own best choice, seen with its own query latencies
            b.append("; per device, the whole method's best choice for that device alone (in-sample):");
            for (int k = 0; k < n; k++) {
                int held = k, own = GlobalSelection.best(s.whole(), j -> j == held);
                b.append(k == 0 ? " " : ", ").append(s.devices().get(k)).append(' ').append(s.choices().get(own).describe())
                        .append(String.format(Locale.ROOT, " %.4f", s.whole()[own][k]));
            }
            return b.toString();
        }

        private static String triple(double[] perDevice, int valid) {
            return String.format(Locale.ROOT, "%.4f / %.4f / %.4f", GlobalSelection.mean(perDevice, k -> true),
                    GlobalSelection.mean(perDevice, k -> k < valid), GlobalSelection.mean(perDevice, k -> k >= valid));
        }
    }

    /**
     * A per-device method's own choices use no valid device; its mean Spearman on the valid devices' tasks is
     * recorded for the report, so that candidate methods can be compared on valid devices only.
     */
    private static Fitted scoredOnValid(FewShotContext context, Fitted fitted) {
        List<FewShotTask> tasks = Validation.tasks(context);
        if (!tasks.isEmpty()) fitted.methodValidSpearman = Validation.meanSpearman(context, tasks, task -> fitted.fit(task)::predictRow);
        return fitted;
    }

    private List<Setting> grid() {
        double inf = Double.POSITIVE_INFINITY;
        double[] cost = groups.contains(Group.COST) ? COST_LAMBDAS : new double[] {inf};
        double[] enc = groups.contains(Group.ENCODING) ? ENCODING_LAMBDAS : new double[] {inf};
        List<Setting> grid = new ArrayList<>();
        for (boolean log : new boolean[] {false, true})
            for (double d : DEVICE_LAMBDAS)
                for (double c : cost)
                    for (double e : enc) grid.add(new Setting(d, c, e, log));
        return grid;
    }

    /** After validation: the setting is fixed; {@link #adapt} fits one device. */
    public static final class Fitted implements Adapter {
        private final FewShotContext context;
        private final RowFeatures features;
        private final Setting setting;
        private final double validSpearman;
        private final boolean perDevice;
        private final DeviceColumns source;
        private final boolean sourceChosen;
        private final RowFeatures otherScale;
        private double methodValidSpearman = Double.NaN; // set once, by scoredOnValid, before the adapter is handed out
        private SelectionReport selection; // set once, by selected, before the adapter is handed out

        Fitted(FewShotContext context, RowFeatures features, Setting setting, double validSpearman, boolean perDevice,
                DeviceColumns source, boolean sourceChosen) {
            this(context, features, setting, validSpearman, perDevice, source, sourceChosen, null);
        }

        /** @param otherScale non-null: the features in the other scale (ms or log-ms), so that every choice is per device. */
        Fitted(FewShotContext context, RowFeatures features, Setting setting, double validSpearman, boolean perDevice,
                DeviceColumns source, boolean sourceChosen, RowFeatures otherScale) {
            this.otherScale = otherScale;
            this.context = context;
            this.features = features;
            this.setting = setting;
            this.validSpearman = validSpearman;
            this.perDevice = perDevice;
            this.source = source;
            this.sourceChosen = sourceChosen;
        }

        public Setting setting() {
            return setting;
        }

        @Override
        public LatencyPredictor adapt(FewShotTask task) {
            return fit(task);
        }

        MixPredictor fit(FewShotTask task) {
            return fit(task, true);
        }

        /** @param jackknife false: no leave-one-out refits for intervals (scores only need the point predictions) */
        MixPredictor fit(FewShotTask task, boolean jackknife) {
            Setting s = perDevice ? leaveOneOutChoice(task) : setting;
            RowFeatures f = featuresFor(s.log());
            return MixPredictor.fit(context, f, task.knownIndices(), task.knownLatencies(),
                    f.penalties(s.devices(), s.cost(), s.encoding()), s.log(), jackknife);
        }

        private RowFeatures featuresFor(boolean log) {
            return log == setting.log() ? features : otherScale;
        }

        /**
         * The cost and encoding penalties (and, with every choice per device, also λ_devices and the log option)
         * with the smallest leave-one-out squared log error on the task's known rows.
         */
        Setting leaveOneOutChoice(FewShotTask task) {
            int[] rows = task.knownIndices();
            double[] ms = task.knownLatencies();
            boolean[] logs = otherScale == null ? new boolean[] {setting.log()} : new boolean[] {setting.log(), !setting.log()};
            double[] devices = otherScale == null ? new double[] {setting.devices()} : DEVICE_LAMBDAS;
            Setting best = setting;
            double bestError = Double.POSITIVE_INFINITY;
            for (boolean log : logs) {
                RowFeatures f = featuresFor(log);
                double[][] x = f.rows(rows);
                double[] y = log ? java.util.Arrays.stream(ms).map(Math::log).toArray() : ms;
                for (double d : devices)
                    for (double c : withInfinity(COST_LAMBDAS))
                        for (double e : withInfinity(ENCODING_LAMBDAS)) {
                            double[] loo = GroupRidge.leaveOneOut(x, y, f.penalties(d, c, e));
                            double error = 0;
                            for (int i = 0; i < loo.length; i++) {
                                double predictedMs = log ? Math.exp(loo[i]) : loo[i];
                                double r = Math.log(Math.max(predictedMs, 1e-9) / ms[i]);
                                error += r * r;
                            }
                            if (error < bestError) {
                                bestError = error;
                                best = new Setting(d, c, e, log);
                            }
                        }
            }
            return best;
        }

        private static double[] withInfinity(double[] lambdas) {
            double[] out = java.util.Arrays.copyOf(lambdas, lambdas.length + 1);
            out[lambdas.length] = Double.POSITIVE_INFINITY;
            return out;
        }

        @Override
        public String summary() {
            String chosen = Double.isNaN(validSpearman) ? "(default; no valid devices)"
                    : String.format(Locale.ROOT, "chosen on valid devices (valid spearman %.4f)", validSpearman);
            String source = switch (this.source) {
                case MEASURED -> sourceChosen ? "; measured train-device columns chosen on valid devices" : "";
                case DENOISED -> "; train devices denoised by a multi-task network" + (sourceChosen ? " (chosen on valid devices)" : "");
                case BOTH -> "; train devices measured and denoised by a multi-task network" + (sourceChosen ? " (chosen on valid devices)" : "");
            };
            String whole = Double.isNaN(methodValidSpearman) ? ""
                    : String.format(Locale.ROOT, "; whole method on valid devices: spearman %.4f", methodValidSpearman);
            if (otherScale != null)
                return "lambda devices, log-ms option, cost and encoding lambdas per device by leave-one-out" + source + whole;
            if (selection != null)
                return selection.describe() + "; cost and encoding lambdas per device by leave-one-out" + whole;
            if (perDevice)
                return String.format(Locale.ROOT, "lambda devices %s, %s %s; cost and encoding lambdas per device by leave-one-out%s%s",
                        setting.devices(), setting.log() ? "log-ms" : "ms", chosen, source, whole);
            return setting + " " + chosen + source;
        }
    }
}
