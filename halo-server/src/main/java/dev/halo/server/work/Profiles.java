package dev.halo.server.work;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.app.predict.Adapt;
import dev.halo.app.predict.Predict;
import dev.halo.predict.LatencyPredictor.Prediction;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.db.Repository.Device;
import dev.halo.server.db.Repository.Measurement;
import dev.halo.server.db.Repository.Profile;
import dev.halo.space.Architecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Device profiles (fitted predictors) between the database and halo-app: a stored profile becomes the file
 * {@link Predict#load} reads, and a device's stored measurements become the samples file {@link Adapt#run} fits.
 */
public final class Profiles {
    private final Repository repo;
    private final Path dir;
    private final ObjectMapper json;
    private final Map<String, Predict.Loaded> loaded = new ConcurrentHashMap<>();
    /** Each device's newest profile as read while {@link Repository#profileWrites()} had the count it is stored with. */
    private final Map<Long, Newest> newest = new ConcurrentHashMap<>();
    /** Devices by name, for predictions: a device is never renamed or deleted, so its name keeps its id. */
    private final Map<String, Device> byName = new ConcurrentHashMap<>();

    private record Newest(long profileWrites, Optional<Profile> profile) {}

    public Profiles(Repository repo, Path dataDir, ObjectMapper json) {
        this.repo = repo;
        this.dir = dataDir.resolve("profiles");
        this.json = json;
    }

    /** The device's newest profile; 404 naming the device when it has none. */
    public Profile latest(Device d) {
        return newest(d).orElseThrow(() -> ApiException.notFound("device",
                "device '" + d.name() + "' has no profile yet: upload measurements and POST /api/devices/" + d.id() + "/profile, or onboard it"));
    }

    /**
     * The device's newest profile, if any, read from the database only when a profile was stored since the last read:
     * a prediction then costs no database round trip (it was two of the few hundred microseconds a one-architecture
     * request took). The count is taken before the read, so a profile stored during the read makes the next call read again.
     */
    public Optional<Profile> newest(Device d) {
        long writes = repo.profileWrites();
        Newest n = newest.get(d.id());
        if (n != null && n.profileWrites() == writes) return n.profile();
        Optional<Profile> p = repo.latestProfile(d.id());
        newest.put(d.id(), new Newest(writes, p));
        return p;
    }

    /**
     * The device called {@code name} for a prediction, read from the database once. Only its id and name are meant to
     * be used: its fingerprint may be filled in later (a device first created by an upload), which this copy would miss.
     */
    public Optional<Device> deviceForPrediction(String name) {
        Device d = byName.get(name);
        if (d != null) return Optional.of(d);
        Optional<Device> read = repo.deviceByName(name);
        read.ifPresent(x -> byName.put(name, x));
        return read;
    }

    /** The profile's predictor with intervals at {@code level} (leave-one-out intervals; loaded once per profile and level). */
    public Predict.Loaded predictor(Profile p, double level) {
        String key = p.id() + "@" + level;
        Predict.Loaded l = loaded.get(key);
        if (l == null) {
            l = Predict.load(file(p), Predict.Interval.loo, level);
            loaded.put(key, l);
        }
        return l;
    }

    /** One device's predictions for {@code archs} (parsed in the profile's space; 400 naming the arch otherwise). */
    public record DevicePredictions(String device, long profile, String method, String space, List<Prediction> predictions) {}

    public DevicePredictions predict(Device d, List<String> archs, double level) {
        Profile p = latest(d);
        Predict.Loaded l = predictor(p, level);
        List<? extends Architecture> parsed;
        try {
            parsed = Predict.archs(l.space(), false, null, archs);
        } catch (BadInputException e) {
            throw ApiException.badInput("archs", e.getMessage().replaceFirst("^argument (\\d+)", "archs[$1]"));
        }
        Prediction[] out = l.predict().apply(parsed);
        return new DevicePredictions(d.name(), p.id(), p.method(), p.space(), List.of(out));
    }

    /** What fitting a profile from stored measurements produced. */
    public record Fitted(long profile, String device, String space, String method, String why, int samples, Map<String, Object> validation) {}

    /**
     * Fits a profile for {@code d} from its stored measurements of {@code space} with halo-app's adapt use case
     * ({@code method}: auto, op-costs or help) and stores it.
     */
    public Fitted fit(Device d, String space, String method, long seed) {
        List<Measurement> rows = repo.measurements(d.id(), space, Integer.MAX_VALUE);
        // an architecture's latency: the median over its measured rounds (what the measurement store hands to onboarding)
        Map<String, List<Double>> byArch = new TreeMap<>();
        for (Measurement m : rows) if (m.medianMs() != null) byArch.computeIfAbsent(m.arch(), k -> new ArrayList<>()).add(m.medianMs());
        if (byArch.isEmpty()) throw ApiException.badInput("space", "device '" + d.name() + "' has no measurements of " + space + " to fit a profile to");
        try {
            Files.createDirectories(dir);
            Path samples = Files.createTempFile(dir, "samples-", ".csv");
            Path out = Files.createTempFile(dir, "fit-", ".json");
            try {
                StringBuilder csv = new StringBuilder("arch,latency_ms\n");
                byArch.forEach((arch, v) -> csv.append(arch).append(',').append(String.format(Locale.ROOT, "%.9g", median(v))).append('\n'));
                Files.writeString(samples, csv, StandardCharsets.UTF_8);
                Adapt.Result r;
                try {
                    r = Adapt.run(new Adapt.Request(method, null, d.name(), samples, out, space, null, 20, seed));
                } catch (BadInputException e) {
                    // the message names the temporary samples file; the client knows it as the device's measurements
                    throw ApiException.badInput("method", e.getMessage().replace(samples.toString(), "the measurements of '" + d.name() + "'"));
                }
                Map<String, Object> validation = new LinkedHashMap<>();
                if (r.costs() != null) {
                    validation.put("kind", "leave-one-out over the samples");
                    validation.put("samples", r.costs().samples());
                    validation.put("spearman", r.costs().spearmanLoo());
                    validation.put("mape", r.costs().mapeLooPercent() / 100);
                } else {
                    validation.put("kind", "fit on the support samples");
                    validation.put("samples", r.help().support());
                    validation.put("spearman", r.help().spearmanSupport());
                    validation.put("mape", r.help().mapeSupportPercent() / 100);
                }
                long id = repo.addProfile(d.id(), r.space(), r.method(), Files.readString(out), json.writeValueAsString(validation), "fit to stored measurements");
                return new Fitted(id, d.name(), r.space(), r.method(), r.why(), byArch.size(), validation);
            } finally {
                Files.deleteIfExists(samples);
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the samples for the fit", e);
        }
    }

    /** The profile as the file halo-app reads, written once (atomically) under the data folder. */
    Path file(Profile p) {
        Path f = dir.resolve(p.id() + ".json");
        if (Files.isRegularFile(f)) return f;
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + p.id(), ".tmp");
            Files.writeString(tmp, p.content(), StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write profile " + p.id() + " to " + f, e);
        }
    }

    /** A JSON object of the profile's stored validation (empty when it has none). */
    public ObjectNode validation(Profile p) {
        if (p.validation() == null) return json.createObjectNode();
        try {
            return (ObjectNode) json.readTree(p.validation());
        } catch (IOException e) {
            throw new UncheckedIOException("profile " + p.id() + " has an unreadable validation", e);
        }
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
