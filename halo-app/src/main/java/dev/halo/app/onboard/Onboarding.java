package dev.halo.app.onboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.Halo;
import dev.halo.app.measure.CampaignProgress;
import dev.halo.eval.selection.SampleSelections;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.LatencyMeter;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.measure.MeasurementStore;
import dev.halo.kernel.ort.NchwcBlock;
import dev.halo.measure.FbnetKernelCheck;
import dev.halo.measure.Nb201KernelCheck;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.measure.Outcome;
import dev.halo.measure.Stability;
import dev.halo.onnx.NetworkExporter;
import dev.halo.onnx.NetworkExporters;
import dev.halo.predict.LatencyPredictor.Prediction;
import dev.halo.fewshot.Split;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.additive.FbnetExecutedKernels;
import dev.halo.predict.additive.Nb201ExecutedKernels;
import dev.halo.predict.auto.AutoMethod;
import dev.halo.predict.additive.CostModelFile;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpReferenceArchs;
import dev.halo.predict.help.LeaveOneOutInterval;
import dev.halo.predict.help.LevelCalibration;
import dev.halo.space.Architecture;
import dev.halo.space.FbnetArch;
import dev.halo.space.FbnetSpace;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import dev.halo.stats.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;

/**
 * Turns the machine halo runs on into a profiled device: measures the model's reference architectures and a few
 * random samples with ONNX Runtime, adapts the meta-trained HELP model to them, predicts the whole space, and then
 * checks the predictor against freshly measured architectures it has never seen, next to how well the machine
 * reproduces its own measurements (round 1 against round 2: the ceiling any predictor can reach here).
 *
 * <p>Two steps, so that the measuring can happen elsewhere (a halo server's farm agents): (a) the plan's draw
 * ({@link #drawWith}) and (b) the fit and validation over measured rows ({@link #fitMeasured}); {@link #run} measures
 * between them on this machine.
 *
 * <p>All measurements go to a {@link MeasurementStore}; running the same plan again skips what is stored, so an
 * interrupted onboarding continues where it stopped. Architecture draws depend only on the seed: samples are drawn
 * first, so changing {@code validate} never changes the samples.
 */
public final class Onboarding {
    /** Files written into the output folder. */
    public static final String PREDICTIONS = "predictions.csv";
    public static final String REPORT = "onboard.json";
    public static final String STORE = "measurements.db";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Which per-round statistic of the timed runs stands for an architecture's latency. */
    public enum Statistic {
        /** the median run: what HELP's benchmark latencies report */
        median(LatencyStats::medianMs),
        /** the fastest run: steadier on a contended machine, since interference only ever adds time */
        min(LatencyStats::minMs);

        final ToDoubleFunction<LatencyStats> of;

        Statistic(ToDoubleFunction<LatencyStats> of) {
            this.of = of;
        }
    }

    /** The meta-trained model to adapt and where it came from (a path or the built-in resource). */
    public record Model(HelpModelFile.Stored stored, String source) {}

    /** What turns the measurements into the device's predictor. */
    public enum Predictor {
        /** Adapt the meta-trained HELP model (the references are its hardware embedding). */
        HELP("help"),
        /** Fit the device's own operation costs ({@code op-costs}) to the references and samples together. */
        OP_COSTS(AdditiveCostMethod.NAME);

        private final String label;

        Predictor(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Predictor parse(String text) {
            for (Predictor p : values()) if (p.label.equals(text.strip().toLowerCase(Locale.ROOT))) return p;
            throw new BadInputException("--predictor must be auto, help or " + AdditiveCostMethod.NAME + ", got '" + text + "'");
        }

        /**
         * {@code auto} resolved by {@link AutoMethod#choose} for a machine with no other device known (op-costs where the space
         * has op-cost features), with the reason; a named predictor as it is, with an empty reason.
         */
        public static Chosen choose(String text, String space) {
            if (!text.strip().equalsIgnoreCase(AutoMethod.NAME)) return new Chosen(parse(text), "");
            AutoMethod.Choice c = AutoMethod.chooseForSavedFit(space, CostFeatures.forSpace(Spaces.byName(space)).isPresent(), new Split(List.of(), List.of(), List.of()));
            if (!c.method().equals(AdditiveCostMethod.NAME))
                throw new BadInputException("--predictor auto picks " + c.method() + " for " + space + ", which needs other devices' latencies; give --predictor help");
            return new Chosen(OP_COSTS, "auto chose " + c.method() + ": " + c.reason());
        }
    }

    /** A predictor and why it was chosen (empty when the user named it). */
    public record Chosen(Predictor predictor, String why) {}

    /**
     * Everything one onboarding needs.
     *
     * @param samples    architectures measured for the adaptation besides the references (random; for op-costs a cost-optimal design)
     * @param validate   fresh random architectures measured only to check the predictor
     * @param rounds     interleaved measurement rounds (at least 2: the validation compares round 1 with round 2)
     * @param mcSamples  Monte-Carlo draws of the model's latent variable, averaged into the prediction
     * @param level      central level of the prediction interval (e.g. 0.8)
     * @param model      the meta-trained model to adapt (HELP only; null for op-costs, which needs none)
     * @param predictor  how the measurements become the device's predictor
     * @param features   op-costs' feature set ({@link CostFeatures#namesFor}), or {@value #AUTO_FEATURES}: the kernels ONNX
     *                   Runtime runs where the kernel model matches this machine's runtime, else the space's default
     */
    public record Plan(String space, String name, Model model, Predictor predictor, String features, int samples, int validate, int rounds, long seed,
                       Statistic statistic, int mcSamples, double level, MeasureSettings settings, Path store, Path out) {
        public Plan {
            if ((predictor == Predictor.HELP) != (model != null))
                throw new IllegalArgumentException("a model goes with --predictor help and with nothing else");
            if (!features.equals(AUTO_FEATURES) && predictor != Predictor.OP_COSTS)
                throw new BadInputException("--features chooses op-costs' feature set; it does not apply to --predictor " + predictor.label());
            if (!features.equals(AUTO_FEATURES) && !CostFeatures.namesFor(Spaces.byName(space)).contains(features))
                throw new BadInputException("--features must be " + AUTO_FEATURES + " or one of " + String.join(", ", CostFeatures.namesFor(Spaces.byName(space)))
                        + " for " + space + ", got '" + features + "'");
            if (!NAME.matcher(name).matches())
                throw new BadInputException("--name '" + name + "': use 1-64 letters, digits, '.', '_' or '-' (it names files)");
            if (samples < 2) throw new BadInputException("--samples must be at least 2 (the adaptation scales latencies by their range), got " + samples);
            if (validate < 3) throw new BadInputException("--validate must be at least 3 (a rank correlation needs 3 archs), got " + validate);
            if (rounds < 2) throw new BadInputException("--rounds must be at least 2 (validation compares round 1 with round 2), got " + rounds);
            if (mcSamples < 1) throw new BadInputException("--mc-samples must be at least 1, got " + mcSamples);
            dev.halo.io.Limits.check("--mc-samples", mcSamples, 1, dev.halo.io.Limits.MAX_MC);
            dev.halo.io.Limits.check("--samples", samples, 2, 100_000);
            dev.halo.io.Limits.check("--validate", validate, 3, 100_000);
            dev.halo.io.Limits.check("--rounds", rounds, 1, dev.halo.io.Limits.MAX_ROUNDS);
            if (!(level > 0 && level < 1)) throw new BadInputException("--level must be between 0 and 1, got " + level);
            dev.halo.io.Limits.check("--level", level, 0.01, 0.999);
            int needed = (int) Math.ceil((samples + 1) * level);
            if (needed > samples)
                throw new BadInputException("--samples " + samples + " is too few for a " + Math.round(100 * level)
                        + " % interval from leave-one-out errors; use more samples or a lower --level");
        }
    }

    /** {@code --features auto}: the executed kernels where they describe this machine's runtime ({@link #chooseFeatures}). */
    public static final String AUTO_FEATURES = "auto";

    /** What a user chose, as given (texts are checked by {@link #plan}); {@code model}, {@code store}, {@code out} may be null. */
    public record Choices(String predictor, String features, Path model, int samples, int validate, int rounds, long seed, String statistic, int mcSamples,
            double level, Path store, Path out) {}

    /** A plan and why {@code auto} chose its predictor (empty when the predictor was named). */
    public record Planned(Plan plan, String why) {}

    /**
     * The plan for {@code choices}: the predictor resolved ({@link Predictor#choose}), the statistic parsed, the folder
     * {@code onboard-NAME} and its store unless given, and for HELP the model file or the one shipped for the space.
     */
    public static Planned plan(String space, String name, Choices c, MeasureSettings settings) {
        Spaces.byName(space);
        Chosen choice = Predictor.choose(c.predictor(), space);
        Predictor chosen = choice.predictor();
        if (chosen != Predictor.HELP && c.model() != null)
            throw new BadInputException("--model is the meta-trained HELP model; it applies to --predictor help only");
        Statistic stat;
        try {
            stat = Statistic.valueOf(c.statistic().strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--statistic must be median or min, got '" + c.statistic() + "'");
        }
        Path dir = c.out() != null ? c.out() : Path.of("onboard-" + name);
        Path db = c.store() != null ? c.store() : dir.resolve(STORE);
        // op-costs needs no model: nothing is loaded for it
        Model helpModel = chosen == Predictor.HELP ? ShippedModels.resolve(c.model(), space) : null;
        String features = c.features().strip().toLowerCase(Locale.ROOT);
        return new Planned(new Plan(space, name, helpModel, chosen, features, c.samples(), c.validate(), c.rounds(), c.seed(), stat, c.mcSamples(), c.level(),
                settings, db, dir), choice.why());
    }

    /** Measured latency of an architecture next to its prediction. */
    public record Checked(String arch, double measuredMs, double predictedMs, double lowerMs, double upperMs) {}

    /**
     * How the predictor did on the fresh architectures, and how well the machine agrees with itself on them.
     *
     * @param within10        share (0..1) of predictions within ±10 % of the measurement
     * @param coverage        share (0..1) of measurements inside the prediction interval
     * @param stability       round 1 against round 2 of the validation archs, on the plan's statistic
     * @param repeatMape      MAPE of round 2 taken as a prediction of round 1 (the machine's own noise)
     * @param repeatWithin10  share of validation archs whose round 2 is within ±10 % of round 1
     * @param spearmanCi      95 % interval of {@code spearman} ({@link Metrics#spearmanInterval}); NaNs below 4 archs
     * @param stabilityCi     95 % interval of the round-1-vs-round-2 Spearman, likewise
     * @param byKind          the scores per NAS-Bench-201 cell kind (empty for other spaces)
     * @param otherFeatures   op-costs fitted over the space's other feature sets to the same known latencies, scored on the
     *                        same validation archs (empty for HELP)
     */
    public record Validation(int validated, int failed, double spearman, double mape, double within10, double coverage,
                             Stability stability, double repeatMape, double repeatWithin10, Interval spearmanCi, Interval stabilityCi,
                             List<KindScore> byKind, List<FeatureScore> otherFeatures, List<Checked> archs) {}

    /** The validation scores of op-costs fitted over another feature set ({@link Validation#otherFeatures}). */
    public record FeatureScore(String features, double spearman, Interval spearmanCi, double mape, double within10) {}

    /**
     * The feature set op-costs was fitted over and why (the reason is empty when the user named it).
     *
     * @param name        {@link CostFeatures#name}
     * @param description what the features count
     */
    public record FeatureChoice(String name, String description, String why) {}

    /** A two-sided 95 % interval; NaN bounds when it cannot be computed. */
    public record Interval(double low, double high) {
        static final double LEVEL = 0.95;

        static Interval ofSpearman(double rho, int n) {
            if (n < 4 || Double.isNaN(rho)) return new Interval(Double.NaN, Double.NaN);
            double[] ci = Metrics.spearmanInterval(rho, n, LEVEL);
            return new Interval(ci[0], ci[1]);
        }
    }

    /** The validation scores of the archs of one NAS-Bench-201 cell kind. */
    public record KindScore(String kind, int n, double spearman, Interval spearmanCi, double mape, double within10) {}

    /**
     * What an onboarding produced; {@code validation} is null when it was stopped before the end.
     *
     * @param predictions            every architecture's prediction (NAS-Bench-201), null where the space is too large to list
     * @param nonPositivePredictions architectures of the space predicted at or below 0 ms
     * @param level                  HELP: the level calibration factor applied to its predictions; op-costs: the median ratio
     *                               measured / fitted on the known archs (not applied); NaN before the predictor exists
     * @param features               op-costs' feature set; null for HELP
     */
    public record Result(Machine fingerprint, FeatureChoice features, Path deviceModel, Path predictions, Path report, Path store,
                         Map<String, Double> referenceMs, Map<String, Double> sampleMs, int nonPositivePredictions, double level, Validation validation,
                         boolean stopped, double seconds) {}

    /** Progress: phase messages, and each measurement campaign's arch-rounds as {@link dev.halo.app.Listener#progress} of its task. */
    public interface Listener extends dev.halo.app.Listener {
        void phase(String message);

        /** Called when a campaign has run (successfully or stopped), so a progress bar can close. */
        default void campaignDone() {}
    }

    private final Plan plan;
    private final Bench bench;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicReference<MeasurementCampaign> running = new AtomicReference<>();

    public Onboarding(Plan plan) {
        this(plan, Bench.ONNX_RUNTIME);
    }

    /** An onboarding that measures, checks kernels and fingerprints with {@code bench} ({@link #run}); tests give a stand-in. */
    public Onboarding(Plan plan, Bench bench) {
        this.plan = plan;
        this.bench = bench;
    }

    /** Stops after the architecture being timed (safe from any thread, e.g. a shutdown hook). */
    public void requestStop() {
        stop.set(true);
        MeasurementCampaign c = running.get();
        if (c != null) c.requestStop();
    }

    /** The architectures an onboarding measures: references, samples and validation archs, disjoint. */
    public record Draw(List<Architecture> references, List<Architecture> samples, List<Architecture> validation) {}

    /** Random architectures an op-costs onboarding chooses its samples from. */
    static final int DESIGN_CANDIDATES = 2000;

    /**
     * The deterministic draw of {@code plan}: the samples first, then the validation archs, so changing {@code validate}
     * never changes the samples. With {@code designed} the samples are instead the cost-optimal design (what op-costs needs
     * pinned down: {@link SampleSelections#costOptimal}) among {@value #DESIGN_CANDIDATES} further random architectures.
     * The validation archs are random ones (on NAS-Bench-201 stratified by cell kind, {@link #validationStrata}) disjoint
     * from the references and samples, so they check the predictor honestly.
     */
    public static Draw draw(SearchSpace<?> space, List<String> referenceArchs, int samples, int validate, long seed, boolean designed) {
        return draw(space, referenceArchs, samples, validate, seed, designed ? CostFeatures.require(space, "the op-costs design") : null);
    }

    /** The same draw with the samples designed for {@code design}'s costs, or random where it is null. */
    public static Draw draw(SearchSpace<?> space, List<String> referenceArchs, int samples, int validate, long seed, CostFeatures design) {
        boolean designed = design != null;
        List<Architecture> refs = referenceArchs.stream().map(s -> (Architecture) space.parse(s)).toList();
        Set<String> taken = new LinkedHashSet<>();
        refs.forEach(a -> taken.add(a.canonical()));
        if (refs.size() + (double) samples + validate > space.size())
            throw new BadInputException("--samples " + samples + " + --validate " + validate + " + " + refs.size()
                    + " references exceed the " + (long) space.size() + " architectures of " + space.name());
        Random rng = new Random(seed);
        List<Architecture> s = distinct(space, samples, rng, taken);
        // The design's candidates are drawn (cheaply) with or without a design, and kept out of the validation draw: so the
        // validation archs never meet the design, are the same with and without it, and the candidates do not depend on
        // validate (unless the space is nearly exhausted). A uniformly random subset left out keeps the validation random.
        int pool = (int) Math.max(0, Math.min(DESIGN_CANDIDATES, space.size() - taken.size() - validate));
        List<Architecture> candidates = distinct(space, pool, new Random(seed + 1), taken);
        if (designed) {
            if (pool < samples) throw new BadInputException("--samples " + samples + ": too few architectures left to choose from");
            s = SampleSelections.costOptimal(design, refs, candidates, samples);
        }
        List<Architecture> v = space instanceof Nb201Space ? stratified(space, validationStrata(validate), rng, taken) : distinct(space, validate, rng, taken);
        return new Draw(refs, s, v);
    }

    /** Each NAS-Bench-201 cell kind gets at least this many validation archs when {@code validate} allows ({@link #validationStrata}). */
    static final int MIN_PER_KIND = 5;

    /** The cell kinds validation draws from; disconnected cells (output independent of the input) are left out, as op-costs leaves prunable ones. */
    static final List<Nb201Space.CellKind> VALIDATED_KINDS = List.of(Nb201Space.CellKind.ORDINARY, Nb201Space.CellKind.ZERO_NODE,
            Nb201Space.CellKind.DEAD_NODE, Nb201Space.CellKind.ZERO_AND_DEAD_NODES);

    private static volatile Map<Nb201Space.CellKind, Integer> kindCounts;

    /** How many NAS-Bench-201 architectures have each cell kind. */
    static Map<Nb201Space.CellKind, Integer> kindCounts() {
        Map<Nb201Space.CellKind, Integer> c = kindCounts;
        if (c == null) {
            Map<Nb201Space.CellKind, Integer> m = new java.util.EnumMap<>(Nb201Space.CellKind.class);
            for (Nb201Arch a : new Nb201Space().all()) m.merge(Nb201Space.cellKind(a), 1, Integer::sum);
            kindCounts = c = java.util.Collections.unmodifiableMap(m);
        }
        return c;
    }

    /**
     * How many of {@code validate} NAS-Bench-201 validation archs each cell kind gets: proportional to the kind's share
     * of the space (largest remainders), then raised to {@code min(MIN_PER_KIND, validate / 8)} per kind, taken from the
     * largest kind, so that the degenerate kinds are seen at all. Deterministic; sums to {@code validate}.
     */
    static Map<Nb201Space.CellKind, Integer> validationStrata(int validate) {
        Map<Nb201Space.CellKind, Integer> counts = kindCounts();
        double total = VALIDATED_KINDS.stream().mapToInt(counts::get).sum();
        Map<Nb201Space.CellKind, Integer> alloc = new java.util.EnumMap<>(Nb201Space.CellKind.class);
        Map<Nb201Space.CellKind, Double> remainder = new java.util.EnumMap<>(Nb201Space.CellKind.class);
        int given = 0;
        for (Nb201Space.CellKind k : VALIDATED_KINDS) {
            double quota = validate * counts.get(k) / total;
            alloc.put(k, (int) Math.floor(quota));
            remainder.put(k, quota - Math.floor(quota));
            given += (int) Math.floor(quota);
        }
        List<Nb201Space.CellKind> byRemainder = new ArrayList<>(VALIDATED_KINDS);
        byRemainder.sort((a, b) -> Double.compare(remainder.get(b), remainder.get(a))); // stable: ties keep the enum order
        for (int i = 0; given < validate; i++, given++) alloc.merge(byRemainder.get(i % byRemainder.size()), 1, Integer::sum);
        int floor = Math.min(MIN_PER_KIND, validate / 8);
        for (Nb201Space.CellKind k : VALIDATED_KINDS) {
            while (alloc.get(k) < floor) {
                Nb201Space.CellKind largest = VALIDATED_KINDS.stream().max(java.util.Comparator.comparingInt(alloc::get)).orElseThrow();
                alloc.merge(largest, -1, Integer::sum);
                alloc.merge(k, 1, Integer::sum);
            }
        }
        return alloc;
    }

    /** Random NAS-Bench-201 archs not in {@code taken}, {@code quota} of each cell kind (in draw order). */
    private static List<Architecture> stratified(SearchSpace<?> space, Map<Nb201Space.CellKind, Integer> quota, Random rng, Set<String> taken) {
        Map<Nb201Space.CellKind, Integer> left = new java.util.EnumMap<>(quota);
        int want = quota.values().stream().mapToInt(Integer::intValue).sum();
        Map<Nb201Space.CellKind, Integer> free = new java.util.EnumMap<>(kindCounts());
        for (String c : taken) free.merge(Nb201Space.cellKind((Nb201Arch) space.parse(c)), -1, Integer::sum);
        for (Map.Entry<Nb201Space.CellKind, Integer> e : quota.entrySet())
            if (e.getValue() > free.get(e.getKey())) // else the draw below would never end
                throw new BadInputException("--validate " + want + ": needs " + e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT)
                        + " cells, only " + free.get(e.getKey()) + " are left after the references, samples and design candidates; use a smaller --validate");
        List<Architecture> out = new ArrayList<>(want);
        while (out.size() < want) {
            Architecture a = space.sample(rng);
            Nb201Space.CellKind k = Nb201Space.cellKind((Nb201Arch) a);
            if (left.getOrDefault(k, 0) > 0 && taken.add(a.canonical())) {
                left.merge(k, -1, Integer::sum);
                out.add(a);
            }
        }
        return out;
    }

    private static List<Architecture> distinct(SearchSpace<?> space, int n, Random rng, Set<String> taken) {
        List<Architecture> out = new ArrayList<>();
        while (out.size() < n) {
            Architecture a = space.sample(rng);
            if (taken.add(a.canonical())) out.add(a);
        }
        return out;
    }

    /** The measuring machine as reports and device models name it: its fingerprint id, label and JSON. */
    public record Machine(String id, String label, String json) {
        public static Machine of(DeviceFingerprint f) {
            return new Machine(f.id(), f.label(), f.toJson());
        }
    }

    /** ONNX Runtime's optimised graph on the measuring machine checked against the kernel model ({@link Nb201KernelCheck}). */
    @FunctionalInterface
    public interface KernelCheck {
        /** The first arch whose executed kernels differ from the kernel model's, described; empty when every one agrees. */
        Optional<String> firstMismatch(Nb201Space space, List<Nb201Arch> archs);

        /** The check run here, on this machine's ONNX Runtime (about 0.5 s). */
        KernelCheck ONNX_RUNTIME = (space, archs) -> Nb201KernelCheck.firstMismatch(space.macro(), archs, GraphOptimization.ALL);
    }

    /** Where a local onboarding's numbers come from: this machine's ONNX Runtime ({@link #ONNX_RUNTIME}); tests give a stand-in. */
    public interface Bench {
        DeviceFingerprint fingerprint(MeasureSettings settings);

        /** Times the plan's archs, given by canonical string ({@code arch} turns one back into its architecture). */
        LatencyMeter meter(SearchSpace<?> space, MeasureSettings settings, long seed, Function<String, Architecture> arch);

        KernelCheck kernelCheck();

        Bench ONNX_RUNTIME = new Bench() {
            @Override
            public DeviceFingerprint fingerprint(MeasureSettings settings) {
                return DeviceFingerprint.current(settings);
            }

            @Override
            public LatencyMeter meter(SearchSpace<?> space, MeasureSettings settings, long seed, Function<String, Architecture> arch) {
                NetworkExporter exporter = NetworkExporters.forSpace(space);
                return new OrtLatencyMeter(settings, c -> exporter.export(arch.apply(c), settings.batch(), seed));
            }

            @Override
            public KernelCheck kernelCheck() {
                return KernelCheck.ONNX_RUNTIME;
            }
        };
    }

    /** Step (a) done: the space, the output folder, op-costs' feature set (null for HELP) and the draw. */
    private record Setup(SearchSpace<?> space, Path out, ChosenFeatures chosen, Draw draw) {}

    private Setup setUp(KernelCheck check, Listener listener) {
        SearchSpace<?> space = Spaces.byName(plan.space());
        List<String> referenceArchs = HelpReferenceArchs.forSpace(space.name());
        if (plan.predictor() == Predictor.HELP) {
            HelpModelFile.Stored model = plan.model().stored();
            if (!space.name().equals(model.provenance().space()))
                throw new BadInputException(plan.model().source() + ": the model is for space '" + model.provenance().space() + "', not " + space.name());
            if (model.model().network().hardwareDim() != referenceArchs.size())
                throw new BadInputException(plan.model().source() + ": the model expects " + model.model().network().hardwareDim()
                        + " reference latencies; " + space.name() + " has " + referenceArchs.size() + " reference archs");
        }
        Path out = prepareOutputFolder(plan.out());
        ChosenFeatures chosen = plan.predictor() == Predictor.OP_COSTS ? chooseFeatures(space, check, listener) : null;
        Draw draw = draw(space, referenceArchs, plan.samples(), plan.validate(), plan.seed(), chosen == null ? null : chosen.features());
        return new Setup(space, out, chosen, draw);
    }

    /**
     * Step (a) for measurements made elsewhere (a halo server's farm): the architectures to measure, with op-costs' feature
     * set chosen by {@code check}'s outcome on the measuring machine (consulted only where {@link #kernelCheckArchs} is
     * not empty). Every one of them is measured in {@link Plan#rounds} rounds.
     */
    public Draw drawWith(KernelCheck check, Listener listener) {
        return setUp(check, listener).draw();
    }

    public Result run(Listener listener) {
        long start = System.nanoTime();
        Setup setup = setUp(bench.kernelCheck(), listener);
        SearchSpace<?> space = setup.space();
        Draw draw = setup.draw();
        FeatureChoice features = setup.chosen() == null ? null : setup.chosen().choice();

        MeasureSettings settings = plan.settings();
        DeviceFingerprint fingerprint = bench.fingerprint(settings);
        Machine machine = Machine.of(fingerprint);
        Map<String, Architecture> byCanonical = new HashMap<>();
        for (List<Architecture> l : List.of(draw.references(), draw.samples(), draw.validation()))
            for (Architecture a : l) byCanonical.put(a.canonical(), a);
        LatencyMeter meter = bench.meter(space, settings, plan.seed(), byCanonical::get);

        try (MeasurementStore db = MeasurementStore.open(plan.store())) {
            long device = db.device(fingerprint);

            List<Architecture> adaptSet = new ArrayList<>(draw.references());
            adaptSet.addAll(draw.samples());
            listener.phase(String.format(Locale.ROOT, "[1/4] measuring %d reference + %d %s archs x %d rounds on %s",
                    draw.references().size(), draw.samples().size(),
                    plan.predictor() == Predictor.OP_COSTS ? "sample (chosen to pin down the operation costs)" : "random sample", plan.rounds(), fingerprint.label()));
            if (!measure(db, device, space, adaptSet, meter, listener, "adapt"))
                return new Result(machine, features, null, null, null, plan.store(), Map.of(), Map.of(), 0, Double.NaN, null, true, seconds(start));
            Fitted fitted = fit(setup, db.rows(device, space.name()), machine, listener);
            Predicted predicted = predictAll(space, fitted, setup.out(), listener);

            listener.phase(String.format(Locale.ROOT, "[4/4] validating on %d fresh archs x %d rounds (never seen by the predictor)",
                    draw.validation().size(), plan.rounds()));
            if (!measure(db, device, space, draw.validation(), meter, listener, "validate"))
                return new Result(machine, features, fitted.file(), predicted.file(), null, plan.store(), fitted.referenceMs(), fitted.sampleMs(),
                        predicted.nonPositive(), fitted.level(), null, true, seconds(start));
            return validateAndReport(setup, db.rows(device, space.name()), machine, fitted, predicted, start);
        }
    }

    /**
     * Step (b) over measurements made elsewhere (a halo server's farm): the fit, the predictions of the space and the
     * validation of {@link #run}, on {@code rows} (every round of the archs of {@link #drawWith}, in any order), written to
     * the plan's folder as {@link #run} writes them. {@code check} is the kernel check's outcome on the measuring machine,
     * as given to {@link #drawWith}; {@code machine} names that machine in the device model and the report.
     */
    public Result fitMeasured(KernelCheck check, Machine machine, List<MeasurementStore.Row> rows, Listener listener) {
        long start = System.nanoTime();
        Setup setup = setUp(check, listener);
        // in the order a store hands them out (by arch, then round)
        List<MeasurementStore.Row> sorted = rows.stream()
                .sorted(java.util.Comparator.comparing(MeasurementStore.Row::canonical).thenComparingInt(MeasurementStore.Row::round)).toList();
        Fitted fitted = fit(setup, sorted, machine, listener);
        Predicted predicted = predictAll(setup.space(), fitted, setup.out(), listener);
        listener.phase(String.format(Locale.ROOT, "[4/4] validating on %d fresh archs x %d rounds (never seen by the predictor)",
                setup.draw().validation().size(), plan.rounds()));
        return validateAndReport(setup, sorted, machine, fitted, predicted, start);
    }

    /** The predictor fitted to the references and samples of {@code rows} (HELP adapted, or op-costs fitted), saved with its provenance. */
    private Fitted fit(Setup setup, List<MeasurementStore.Row> rows, Machine machine, Listener listener) {
        Map<String, Double> lat = MeasurementStore.latencies(rows, plan.statistic().of);
        Map<String, Double> refMs = latencies(rows, setup.draw().references(), lat, "reference");
        Map<String, Double> sampleMs = latencies(rows, setup.draw().samples(), lat, "sample");
        Fitted fitted = plan.predictor() == Predictor.OP_COSTS
                ? fitOpCosts(setup.space(), setup.chosen().features(), setup.draw(), refMs, sampleMs, setup.out(), listener)
                : adaptHelp(plan.model().stored(), setup.draw(), refMs, sampleMs, setup.out(), listener);
        addMeasurementProvenance(fitted.file(), machine);
        return fitted;
    }

    /** The predictions file of the whole space (NAS-Bench-201 only: the others are too large to list), and how many are at or below 0 ms. */
    private record Predicted(Path file, int nonPositive) {}

    private Predicted predictAll(SearchSpace<?> space, Fitted fitted, Path out, Listener listener) {
        if (!(space instanceof Nb201Space nb201)) {
            listener.phase(String.format(Locale.ROOT, "[3/4] %s has %.3g archs, too many to list: no %s; the device model %s predicts any of them (halo predict --model)",
                    space.name(), space.size(), PREDICTIONS, fitted.file().getFileName()));
            return new Predicted(null, 0);
        }
        List<? extends Architecture> all = nb201.all();
        listener.phase(String.format(Locale.ROOT, "[3/4] predicting all %,d archs of %s", all.size(), space.name()));
        Path predictions = out.resolve(PREDICTIONS);
        Prediction[] predicted = fitted.predict().apply(all);
        writePredictions(predictions, all, predicted);
        // the model extrapolates linearly below the latency range it was adapted on, which can cross zero
        int nonPositive = (int) java.util.Arrays.stream(predicted).filter(p -> !(p.ms() > 0)).count();
        if (nonPositive > 0)
            listener.phase(String.format(Locale.ROOT, "warning: %,d of %,d predictions are <= 0 ms (extrapolated below the sampled range; more --samples help)",
                    nonPositive, all.size()));
        return new Predicted(predictions, nonPositive);
    }

    private Result validateAndReport(Setup setup, List<MeasurementStore.Row> rows, Machine machine, Fitted fitted, Predicted predicted, long start) {
        Validation validation = validate(setup.space(), setup.draw().validation(), rows, fitted.predict(), fitted.others());
        Path report = setup.out().resolve(REPORT);
        Result result = new Result(machine, setup.chosen() == null ? null : setup.chosen().choice(), fitted.file(), predicted.file(), report, plan.store(),
                fitted.referenceMs(), fitted.sampleMs(), predicted.nonPositive(), fitted.level(), validation, false, seconds(start));
        writeReport(report, result);
        return result;
    }

    private boolean measure(MeasurementStore db, long device, SearchSpace<?> space, List<Architecture> archs, LatencyMeter meter,
                            Listener listener, String task) {
        if (stop.get()) return false;
        MeasurementCampaign campaign = new MeasurementCampaign(db, device, space.name(), archs.stream().map(Architecture::canonical).toList(),
                1, plan.rounds(), plan.seed(), plan.settings().toJson(), meter);
        running.set(campaign);
        if (stop.get()) campaign.requestStop(); // a stop that came between the check above and publishing the campaign
        try {
            return !campaign.run(new CampaignProgress(campaign, task, new dev.halo.app.Listener() {
                @Override
                public void progress(String stage, long done, long total, String detail) {
                    if (detail.isEmpty() && done > 0) listener.phase(done + " of " + total + " arch-rounds already in the store");
                    listener.progress(stage, done, total, detail);
                }

                @Override
                public boolean cancelled() {
                    return listener.cancelled();
                }
            })).stopped();
        } finally {
            running.set(null);
            listener.campaignDone();
        }
    }

    private static Map<String, Double> latencies(List<MeasurementStore.Row> rows, List<Architecture> archs, Map<String, Double> lat, String role) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Architecture a : archs) {
            Double ms = lat.get(a.canonical());
            if (ms == null) {
                String why = rows.stream().filter(r -> r.canonical().equals(a.canonical()))
                        .map(r -> r.outcome() instanceof Outcome.Failed f ? f.reason() : "no result").findFirst().orElse("no result");
                throw new IllegalStateException(role + " arch " + a.canonical() + " failed in every round (" + why + "); the predictor needs it");
            }
            out.put(a.canonical(), ms);
        }
        return out;
    }

    /**
     * The device's predictor as saved, its predictions with the plan's interval, and the level it has on the known
     * (reference + sample) archs: for HELP the calibration factor applied; for op-costs, fitted in ms, the median ratio
     * measured / fitted on those archs (in-sample), reported and not applied; and the latencies it was fitted to.
     */
    private record Fitted(Path file, Function<List<? extends Architecture>, Prediction[]> predict, double level,
            Map<String, Function<List<? extends Architecture>, Prediction[]>> others, Map<String, Double> referenceMs, Map<String, Double> sampleMs) {}

    private Fitted adaptHelp(HelpModelFile.Stored model, Draw draw, Map<String, Double> refMs, Map<String, Double> sampleMs, Path out, Listener listener) {
        listener.phase("[2/4] adapting " + plan.model().source() + " to " + plan.name());
        AdaptedHelpPredictor adapted = HelpAdaptation.adapt(model, plan.name(), values(refMs), draw.samples(), values(sampleMs),
                new HelpAdaptation.Options(plan.mcSamples(), plan.seed()));
        // HELP's level comes from the samples' range mapped into the meta-training pool's, which need not be this machine's:
        // rescale so that the known latencies' held-out median ratio measured / predicted is 1 (LevelCalibration)
        double level = LevelCalibration.factor(adapted, draw.references());
        AdaptedHelpPredictor predictor = adapted.withLevelFactor(level);
        listener.phase(String.format(Locale.ROOT, "      level calibration: predictions x %.3f (median held-out ratio measured/predicted on the %d known archs)",
                level, refMs.size() + sampleMs.size()));
        Path file = out.resolve(plan.name() + ".help.json");
        // the base model's tensors are float32 in the shipped file: float32 keeps them exactly at half the size
        HelpAdaptation.save(file, predictor, HelpModelFile.Precision.FLOAT32);
        // Intervals from the samples' held-out errors: the model's own z spread is far narrower than its errors.
        double intervalFactor = LeaveOneOutInterval.factor(predictor, plan.level());
        return new Fitted(file, archs -> LeaveOneOutInterval.predict(predictor, archs, intervalFactor), level, Map.of(), refMs, sampleMs);
    }

    private Fitted fitOpCosts(SearchSpace<?> space, CostFeatures features, Draw draw, Map<String, Double> refMs, Map<String, Double> sampleMs, Path out,
            Listener listener) {
        listener.phase("[2/4] fitting " + plan.name() + "'s costs per " + features.name() + " feature (op-costs) to its " + (refMs.size() + sampleMs.size())
                + " measurements");
        List<Architecture> known = new ArrayList<>(draw.references());
        known.addAll(draw.samples());
        double[] ms = new double[known.size()];
        double[] ref = values(refMs), samples = values(sampleMs);
        System.arraycopy(ref, 0, ms, 0, ref.length);
        System.arraycopy(samples, 0, ms, ref.length, samples.length);
        CostModelFile.Adapted adapted = CostModelFile.adapt(space, features, plan.name(), known, ms);
        Path file = out.resolve(plan.name() + ".op-costs.json");
        CostModelFile.save(file, adapted);
        double level = LevelCalibration.medianRatio(ms, adapted.predictor().predictMs(known));
        listener.phase(String.format(Locale.ROOT, "      level on the %d known archs: median ratio measured/fitted %.3f (op-costs is fitted in ms; no rescaling)",
                known.size(), level));
        // the space's other feature sets fitted to the same latencies, so the validation scores them on the same archs
        Map<String, Function<List<? extends Architecture>, Prediction[]>> others = new LinkedHashMap<>();
        for (String name : CostFeatures.namesFor(space)) {
            if (name.equals(features.name())) continue;
            CostModelFile.Adapted other = CostModelFile.adapt(space, CostFeatures.named(space, name).orElseThrow(), plan.name(), known, ms);
            others.put(name, archs -> other.predictor().predictWithInterval(archs, plan.level()));
        }
        return new Fitted(file, archs -> adapted.predictor().predictWithInterval(archs, plan.level()), level, others, refMs, sampleMs);
    }

    /** op-costs' feature set for this run, and the choice for reports. */
    private record ChosenFeatures(CostFeatures features, FeatureChoice choice) {}

    /**
     * The feature set op-costs fits: the one named, or for {@code auto} on NAS-Bench-201 the kernels ONNX Runtime runs
     * ({@link Nb201ExecutedKernels}) if the kernel model holds for this machine's runtime — CPU execution provider,
     * optimisation level ALL, and ORT's own optimised graph having exactly the model's kernels for the references and
     * the uniform and degenerate probe cells (about 0.5 s) — else the space's default with the reason. FBNet's executed
     * kernels ({@link FbnetExecutedKernels}) are checked the same way (the references and the probes of
     * {@link FbnetExecutedKernels#probeArchs}, a few seconds) when named. Named executed kernels that do not hold are bad
     * input: their fit would rest on counts this runtime does not run. On the other spaces {@code auto} is the space's
     * default set (OFA's and FBNet's executed kernels are reported beside it, not chosen).
     */
    private ChosenFeatures chooseFeatures(SearchSpace<?> space, KernelCheck check, Listener listener) {
        boolean auto = plan.features().equals(AUTO_FEATURES);
        CostFeatures fallback = CostFeatures.require(space, AdditiveCostMethod.NAME);
        if (auto && !(space instanceof Nb201Space) || plan.features().equals(fallback.name()))
            return chosen(fallback, auto ? "the cost features of " + space.name() : "");
        if (space instanceof FbnetSpace fbnet) return chooseFbnetKernels(fbnet, check, listener);
        if (!(space instanceof Nb201Space nb201)) return chosen(CostFeatures.named(space, plan.features()).orElseThrow(), ""); // a set the plan checked
        String unusable = unusableKernelModel(plan.settings());
        List<Nb201Arch> checked = kernelCheckArchs(plan);
        if (unusable == null) {
            listener.phase("      checking the kernel model against ONNX Runtime's optimised graph of " + checked.size() + " archs");
            unusable = check.firstMismatch(nb201, checked)
                    .map(m -> "ONNX Runtime here runs other kernels than the kernel model works out: " + m).orElse(null);
        }
        if (unusable != null) {
            if (!auto) throw new BadInputException("--features " + Nb201ExecutedKernels.NAME + ": " + unusable);
            return chosen(fallback, "auto chose " + fallback.name() + ": " + unusable);
        }
        return chosen(Nb201ExecutedKernels.of(nb201.macro()), (auto ? "auto chose " + Nb201ExecutedKernels.NAME + ": " : "")
                + "ONNX Runtime's optimised graph here has exactly the kernel model's kernels for the " + checked.size()
                + " archs checked (the references, uniform and degenerate cells)");
    }

    /**
     * FBNet's executed kernels, named (auto keeps FBNet's default set: onboard.md, session 9). They are checked against
     * ONNX Runtime's optimised graph of the references and FBNet's probe archs on this machine, so only where the
     * measuring machine is this one: the farm's agents check NAS-Bench-201 only.
     */
    private ChosenFeatures chooseFbnetKernels(FbnetSpace fbnet, KernelCheck check, Listener listener) {
        String unusable = unusableKernelModel(plan.settings());
        if (unusable == null && check != KernelCheck.ONNX_RUNTIME)
            unusable = "FBNet's kernel model is checked on the measuring machine itself; onboard there with 'halo onboard', or use the default features";
        CostFeatures kernels = CostFeatures.named(fbnet, Nb201ExecutedKernels.NAME).orElse(null);
        if (unusable == null && kernels == null) {
            NchwcBlock.Detected block = NchwcBlock.ofThisMachine();
            unusable = "the kernel model needs ONNX Runtime's blocked layout of an x86-64 CPU with AVX2 or AVX-512F; "
                    + (block.known() ? "this CPU has neither" : block.unknownBecause());
        }
        List<FbnetArch> archs = new ArrayList<>(HelpReferenceArchs.forSpace(fbnet.name()).stream().map(fbnet::parse).toList());
        archs.addAll(FbnetExecutedKernels.probeArchs(fbnet));
        if (unusable == null) {
            listener.phase("      checking the kernel model against ONNX Runtime's optimised graph of " + archs.size() + " archs");
            unusable = FbnetKernelCheck.firstMismatch(fbnet.macro(), ((FbnetExecutedKernels) kernels).block(), archs, GraphOptimization.ALL)
                    .map(m -> "ONNX Runtime here runs other kernels than the kernel model works out: " + m).orElse(null);
        }
        if (unusable != null) throw new BadInputException("--features " + Nb201ExecutedKernels.NAME + ": " + unusable);
        return chosen(kernels, "ONNX Runtime's optimised graph here has exactly the kernel model's kernels for the " + archs.size()
                + " archs checked (the references and the probe archs)");
    }

    /** Why the NAS-Bench-201 kernel model cannot describe runs under {@code settings} without checking anything; null when it may. */
    private static String unusableKernelModel(MeasureSettings settings) {
        if (settings.cuda()) return "the kernel model describes ONNX Runtime's CPU execution provider, this run uses CUDA";
        if (settings.optimization() != GraphOptimization.ALL)
            return "the kernel model describes optimisation level ALL, this run uses " + settings.optimization().name();
        return null;
    }

    /**
     * The architectures whose optimised ONNX Runtime graph {@link #chooseFeatures} checks on the measuring machine (the
     * references, then the uniform and degenerate probe cells), or none where the plan's feature choice needs no check:
     * not op-costs on NAS-Bench-201, its default features named, or settings the kernel model cannot describe. The farm
     * has an agent run the check on exactly these.
     */
    public static List<Nb201Arch> kernelCheckArchs(Plan plan) {
        SearchSpace<?> space = Spaces.byName(plan.space());
        if (plan.predictor() != Predictor.OP_COSTS || !(space instanceof Nb201Space nb201) || unusableKernelModel(plan.settings()) != null
                || plan.features().equals(CostFeatures.require(space, AdditiveCostMethod.NAME).name()))
            return List.of();
        List<Nb201Arch> checked = new ArrayList<>(HelpReferenceArchs.forSpace(space.name()).stream().map(nb201::parse).toList());
        checked.addAll(Nb201ExecutedKernels.probeCells(nb201).subList(0, 7)); // the uniform and degenerate probes
        return List.copyOf(checked);
    }

    private static ChosenFeatures chosen(CostFeatures features, String why) {
        return new ChosenFeatures(features, new FeatureChoice(features.name(), features.description(), why));
    }

    private Validation validate(SearchSpace<?> space, List<Architecture> archs, List<MeasurementStore.Row> allRows,
            Function<List<? extends Architecture>, Prediction[]> predict, Map<String, Function<List<? extends Architecture>, Prediction[]>> others) {
        Map<String, Double> lat = MeasurementStore.latencies(allRows, plan.statistic().of);
        List<Architecture> ok = archs.stream().filter(a -> lat.containsKey(a.canonical())).toList();
        Prediction[] p = predict.apply(ok);
        double[] measured = ok.stream().mapToDouble(a -> lat.get(a.canonical())).toArray();
        double[] predicted = new double[p.length], lower = new double[p.length], upper = new double[p.length];
        List<Checked> checked = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            predicted[i] = p[i].ms();
            lower[i] = p[i].lowerMs();
            upper[i] = p[i].upperMs();
            checked.add(new Checked(ok.get(i).canonical(), measured[i], predicted[i], lower[i], upper[i]));
        }
        Set<String> names = new LinkedHashSet<>(archs.stream().map(Architecture::canonical).toList());
        List<MeasurementStore.Row> rows = allRows.stream().filter(r -> names.contains(r.canonical())).toList();
        Stability stability = Stability.between(rows, Set.of(1), Set.of(2), plan.statistic().of);
        // the same error measures with round 2 "predicting" round 1: what the machine's own noise allows
        Map<String, double[]> byRound = new HashMap<>();
        for (MeasurementStore.Row row : rows)
            if ((row.round() == 1 || row.round() == 2) && row.outcome() instanceof Outcome.Measured m)
                byRound.computeIfAbsent(row.canonical(), k -> new double[] {Double.NaN, Double.NaN})[row.round() - 1] = plan.statistic().of.applyAsDouble(m.stats());
        double[][] pairs = byRound.values().stream().filter(v -> !Double.isNaN(v[0]) && !Double.isNaN(v[1])).toArray(double[][]::new);
        double[] round1 = java.util.Arrays.stream(pairs).mapToDouble(v -> v[0]).toArray();
        double[] round2 = java.util.Arrays.stream(pairs).mapToDouble(v -> v[1]).toArray();
        double spearman = ok.size() >= 3 ? Metrics.spearman(predicted, measured) : Double.NaN;
        List<KindScore> byKind = new ArrayList<>();
        if (space instanceof Nb201Space)
            for (Nb201Space.CellKind kind : Nb201Space.CellKind.values()) {
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < ok.size(); i++) if (Nb201Space.cellKind((Nb201Arch) ok.get(i)) == kind) idx.add(i);
                if (idx.isEmpty()) continue;
                double[] pk = idx.stream().mapToDouble(i -> predicted[i]).toArray(), mk = idx.stream().mapToDouble(i -> measured[i]).toArray();
                double rho = idx.size() >= 3 ? Metrics.spearman(pk, mk) : Double.NaN;
                byKind.add(new KindScore(kind.name(), idx.size(), rho, Interval.ofSpearman(rho, idx.size()), Metrics.mape(pk, mk),
                        Metrics.withinTolerance(pk, mk, 0.10)));
            }
        List<FeatureScore> otherFeatures = new ArrayList<>();
        others.forEach((name, other) -> {
            double[] po = java.util.Arrays.stream(other.apply(ok)).mapToDouble(Prediction::ms).toArray();
            double rho = ok.size() >= 3 ? Metrics.spearman(po, measured) : Double.NaN;
            otherFeatures.add(new FeatureScore(name, rho, Interval.ofSpearman(rho, ok.size()), Metrics.mape(po, measured), Metrics.withinTolerance(po, measured, 0.10)));
        });
        return new Validation(ok.size(), archs.size() - ok.size(), spearman, Metrics.mape(predicted, measured),
                Metrics.withinTolerance(predicted, measured, 0.10), Metrics.intervalCoverage(lower, upper, measured), stability,
                Metrics.mape(round2, round1), Metrics.withinTolerance(round2, round1, 0.10), Interval.ofSpearman(spearman, ok.size()),
                Interval.ofSpearman(stability.spearman(), stability.pairs()), List.copyOf(byKind), List.copyOf(otherFeatures), checked);
    }

    private static Path prepareOutputFolder(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException | SecurityException e) {
            throw new BadInputException("--out " + out + ": cannot create the folder (" + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isDirectory(out) || !Files.isWritable(out)) throw new BadInputException("--out " + out + ": not a writable folder");
        return out;
    }

    private static void writePredictions(Path file, List<? extends Architecture> archs, Prediction[] p) {
        List<String> lines = new ArrayList<>(archs.size() + 1);
        lines.add("arch,predicted_ms,lower,upper");
        for (int i = 0; i < p.length; i++)
            lines.add(archs.get(i).canonical() + "," + fmt(p[i].ms()) + "," + fmt(p[i].lowerMs()) + "," + fmt(p[i].upperMs()));
        writeAtomically(file, String.join("\n", lines) + "\n");
    }

    private void writeReport(Path file, Result r) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("format", "halo-onboard");
        doc.put("name", plan.name());
        doc.put("space", plan.space());
        doc.put("halo_version", Halo.version());
        doc.put("created", Instant.now().toString());
        ObjectNode fp = doc.putObject("fingerprint");
        fp.put("id", r.fingerprint().id());
        fp.put("label", r.fingerprint().label());
        fp.set("fields", parse(r.fingerprint().json()));
        doc.set("settings", parse(plan.settings().toJson()));
        doc.put("predictor", plan.predictor().label());
        if (r.features() != null) doc.set("features", featuresJson(r.features()));
        if (plan.predictor() == Predictor.HELP) {
            ObjectNode model = doc.putObject("model");
            model.put("source", plan.model().source());
            model.set("provenance", JSON.valueToTree(plan.model().stored().provenance()));
        }
        doc.put("seed", plan.seed());
        doc.put("rounds", plan.rounds());
        doc.put("statistic", plan.statistic().name());
        doc.put("mc_samples", plan.mcSamples());
        doc.put("interval_level", plan.level());
        doc.put("store", plan.store().toString());
        doc.put("device_model", r.deviceModel().getFileName().toString());
        if (r.predictions() != null) doc.put("predictions", r.predictions().getFileName().toString());
        else doc.putNull("predictions");
        ObjectNode lvl = doc.putObject("level");
        lvl.put("factor", r.level());
        lvl.put("applied", plan.predictor() == Predictor.HELP);
        lvl.put("how", plan.predictor() == Predictor.HELP
                ? "predictions and interval bounds multiplied by exp(median ln(measured/predicted)) over the references (full adaptation) and samples (adapted without each)"
                : "median ratio measured/fitted over the references and samples (in-sample; op-costs is fitted in ms, nothing rescaled)");
        doc.put("nonpositive_predictions", r.nonPositivePredictions());
        doc.set("reference_ms", msArray(r.referenceMs()));
        doc.set("sample_ms", msArray(r.sampleMs()));
        Validation v = r.validation();
        ObjectNode val = putValidation(doc.putObject("validation"), v);
        ArrayNode archs = val.putArray("archs");
        for (Checked c : v.archs())
            archs.addObject().put("arch", c.arch()).put("measured_ms", c.measuredMs()).put("predicted_ms", c.predictedMs())
                    .put("lower_ms", c.lowerMs()).put("upper_ms", c.upperMs());
        try {
            writeAtomically(file, JSON.writeValueAsString(doc) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Adds to the saved device model what its latencies depend on besides the architecture (the machine
     * fingerprint and the measurement settings), so the file describes its device on its own.
     */
    private void addMeasurementProvenance(Path deviceModel, Machine machine) {
        try {
            ObjectNode doc = (ObjectNode) JSON.readTree(deviceModel.toFile());
            ObjectNode m = doc.putObject("measurement");
            m.put("fingerprint_id", machine.id());
            m.set("fingerprint", parse(machine.json()));
            m.set("settings", parse(plan.settings().toJson()));
            m.put("statistic", plan.statistic().name());
            m.put("rounds", plan.rounds());
            m.put("seed", plan.seed());
            m.put("model_source", plan.predictor() == Predictor.OP_COSTS ? AdditiveCostMethod.NAME : plan.model().source());
            m.put("halo_version", Halo.version());
            writeAtomically(deviceModel, JSON.writeValueAsString(doc) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + deviceModel, e);
        }
    }

    private static ArrayNode msArray(Map<String, Double> ms) {
        ArrayNode a = JSON.createArrayNode();
        ms.forEach((arch, v) -> a.addObject().put("arch", arch).put("ms", v));
        return a;
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("halo wrote invalid JSON: " + json, e);
        }
    }

    static void writeAtomically(Path file, String text) {
        dev.halo.io.SafeOutput.writeString(file, "--out", text);
    }

    private static double[] values(Map<String, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** The feature choice as a JSON object (the report's {@code features}, {@code halo onboard --format json}). */
    public static ObjectNode featuresJson(FeatureChoice f) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", f.name());
        o.put("description", f.description());
        o.put("choice", f.why());
        return o;
    }

    /** The validation's scores as JSON fields (the report's {@code validation} object, {@code halo onboard --format json}). */
    public static ObjectNode putValidation(ObjectNode o, Validation v) {
        o.put("validated", v.validated());
        o.put("failed", v.failed());
        o.put("spearman", v.spearman());
        o.putArray("spearman_ci95").add(v.spearmanCi().low()).add(v.spearmanCi().high());
        o.put("mape", v.mape());
        o.put("within10", v.within10());
        o.put("interval_coverage", v.coverage());
        o.put("stability_pairs", v.stability().pairs());
        o.put("stability_spearman", v.stability().spearman());
        o.putArray("stability_spearman_ci95").add(v.stabilityCi().low()).add(v.stabilityCi().high());
        o.put("stability_median_abs_diff_percent", v.stability().medianAbsDiffPercent());
        o.put("stability_mape", v.repeatMape());
        o.put("stability_within10", v.repeatWithin10());
        if (!v.byKind().isEmpty()) {
            ArrayNode kinds = o.putArray("by_cell_kind");
            for (KindScore k : v.byKind()) {
                ObjectNode n = kinds.addObject().put("kind", k.kind()).put("validated", k.n()).put("spearman", k.spearman());
                n.putArray("spearman_ci95").add(k.spearmanCi().low()).add(k.spearmanCi().high());
                n.put("mape", k.mape()).put("within10", k.within10());
            }
        }
        if (!v.otherFeatures().isEmpty()) {
            ArrayNode others = o.putArray("other_features");
            for (FeatureScore f : v.otherFeatures()) {
                ObjectNode n = others.addObject().put("features", f.features()).put("spearman", f.spearman());
                n.putArray("spearman_ci95").add(f.spearmanCi().low()).add(f.spearmanCi().high());
                n.put("mape", f.mape()).put("within10", f.within10());
            }
        }
        return o;
    }
}
