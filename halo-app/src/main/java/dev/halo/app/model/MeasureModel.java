package dev.halo.app.model;

import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.app.measure.CampaignProgress;
import dev.halo.io.Limits;
import dev.halo.graph.Graph;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.MeasurementCampaign;
import dev.halo.measure.MeasurementStore;
import dev.halo.measure.Outcome;
import dev.halo.measure.model.KernelProfile;
import dev.halo.measure.model.ModelInputs;
import dev.halo.measure.model.ModelLatencyMeter;
import dev.halo.onnx.model.OnnxModelReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Use case {@code halo measure --model FILE.onnx}: the latency of any ONNX model on this machine, with the harness
 * and store that architectures use, plus the per-kernel profile from ONNX Runtime's profiler.
 *
 * <p>In the store a model is an "architecture" of the pseudo-space {@value #SPACE} whose canonical string is its
 * identity: the SHA-256 of the model file and the input shapes fed ({@code sha256:ab12...;input=1x3x224x224}). Its
 * rows can therefore never mix with a search space's, the same file measured at other shapes is another entry, and
 * an interrupted run resumes like an architecture campaign.
 */
public final class MeasureModel {
    /** The store's space name for model files. */
    public static final String SPACE = "onnx-model";

    /**
     * @param rounds interleaved rounds (a fresh session each)
     * @param profileRuns profiled runs after the timing (0: no profile)
     */
    public record Request(Path model, Map<String, TensorShape> inputs, MeasureSettings settings, int rounds, boolean repeat,
            long seed, Path store, int profileRuns) {
        public Request {
            inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
            if (rounds < 1) throw new BadInputException("--rounds must be at least 1, got " + rounds);
            if (profileRuns < 0) throw new BadInputException("--profile-runs must be >= 0, got " + profileRuns);
            Limits.check("--rounds", rounds, 1, Limits.MAX_ROUNDS);
            Limits.check("--profile-runs", profileRuns, 0, Limits.MAX_RUNS);
        }
    }

    /**
     * @param identity the model's key in the store
     * @param rows this model's rows on this device (all rounds, including earlier runs)
     * @param profile kernels by time, slowest first (empty when not profiled)
     */
    public record Result(String identity, List<ValueInfo> inputs, DeviceFingerprint device, MeasurementCampaign.Summary summary,
            List<MeasurementStore.Row> rows, List<KernelProfile.Kernel> profile) {
        /** The stored rounds as plain values, in the store's order. */
        public List<Round> rounds() {
            return rows.stream().map(row -> switch (row.outcome()) {
                case Outcome.Measured m -> new Round(row.round(), m.stats(), null);
                case Outcome.Failed f -> new Round(row.round(), null, f.reason());
            }).toList();
        }

        /** The median over the measured rounds of each round's median (NaN when no round was measured). */
        public double latencyMs() {
            double[] s = rounds().stream().filter(Round::measured).mapToDouble(x -> x.stats().medianMs()).sorted().toArray();
            if (s.length == 0) return Double.NaN;
            return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
        }

        /** How many stored rounds were measured (not failed). */
        public int measuredRounds() {
            return (int) rounds().stream().filter(Round::measured).count();
        }
    }

    /** One stored round of the model: its statistics, or the reason it failed ({@code stats} is then null). */
    public record Round(int round, LatencyStats stats, String failure) {
        public boolean measured() {
            return stats != null;
        }
    }

    /** Measures the model, reporting its rounds to {@code listener} (stage {@code measure}); a cancelled listener stops the campaign. */
    public Result run(Request r, Listener listener) {
        Prepared p = prepare(r.model(), r.inputs());
        List<ValueInfo> inputs = p.inputs();
        String identity = p.identity();
        ModelLatencyMeter meter = p.meter(r.settings(), r.seed());
        DeviceFingerprint fingerprint = DeviceFingerprint.current(r.settings());
        try (MeasurementStore db = MeasurementStore.open(r.store())) {
            long device = db.device(fingerprint);
            int first = 1;
            if (r.repeat())
                first = 1 + db.rows(device, SPACE).stream().filter(row -> row.canonical().equals(identity))
                        .mapToInt(MeasurementStore.Row::round).max().orElse(0);
            MeasurementCampaign campaign = new MeasurementCampaign(db, device, SPACE, List.of(identity), first,
                    first + r.rounds() - 1, r.seed(), r.settings().toJson(), meter);
            MeasurementCampaign.Summary summary = campaign.run(new CampaignProgress(campaign, "measure", listener, (round, outcome) -> ""));
            List<MeasurementStore.Row> rows = db.rows(device, SPACE).stream().filter(row -> row.canonical().equals(identity)).toList();
            List<KernelProfile.Kernel> profile = r.profileRuns() == 0 ? List.of()
                    : KernelProfile.profile(r.model(), p.graph().feeds(), inputs, r.inputs(), r.settings(), r.profileRuns(), r.seed());
            return new Result(identity, inputs, fingerprint, summary, rows, profile);
        }
    }

    /**
     * A model file read and checked for measuring: its graph, the input shapes it will be fed, and its identity in a
     * store. What {@link #run} measures, and what a farm checks a model with before queueing it and measures it with.
     */
    public record Prepared(Path model, Graph graph, Map<String, TensorShape> given, List<ValueInfo> inputs, String sha256) {
        /** {@code sha256:<hex of the file>;<input>=<shape>;...} in the model's input order. */
        public String identity() {
            return "sha256:" + sha256 + ";" + inputs.stream().map(v -> v.name() + "=" + v.shape()).collect(Collectors.joining(";"));
        }

        /** The resolved input shapes by name, in the model's input order (given back to {@link #prepare}, they resolve to the same). */
        public Map<String, TensorShape> shapes() {
            Map<String, TensorShape> m = new LinkedHashMap<>();
            for (ValueInfo v : inputs) m.put(v.name(), v.shape());
            return java.util.Collections.unmodifiableMap(m);
        }

        /** halo's timing harness for this model: a fresh session per round, warm-up, timed runs until the median is stable. */
        public ModelLatencyMeter meter(MeasureSettings settings, long seed) {
            return new ModelLatencyMeter(model, graph.feeds(), inputs, given, settings, seed);
        }
    }

    /**
     * Reads {@code model} (external data only inside its folder) and resolves the shapes fed to it ({@code inputs}
     * fixes dynamic dimensions); a model that cannot be read or fed is a {@link BadInputException} naming the file.
     */
    public static Prepared prepare(Path model, Map<String, TensorShape> inputs) {
        Graph g = OnnxModelReader.read(model);
        List<ValueInfo> resolved;
        try {
            resolved = GraphAnalysis.resolveInputs(g, inputs);
            ModelInputs.requireFeedable(resolved);
        } catch (BadInputException e) {
            throw new BadInputException(model + ": " + e.getMessage(), e);
        }
        return new Prepared(model, g, Map.copyOf(inputs), List.copyOf(resolved), sha256(model));
    }

    /**
     * The inputs a model file declares (shape dimensions may be open), read as {@link #prepare} reads it: a file that
     * cannot be read, or names external data outside its folder, is a {@link BadInputException}. What a server checks an
     * upload with before any shape is chosen.
     */
    public static List<ValueInfo> declaredInputs(Path model) {
        return List.copyOf(OnnxModelReader.read(model).feeds());
    }

    /** The SHA-256 of a file, in hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
