package dev.halo.app.model;

import dev.halo.BadInputException;
import dev.halo.app.Listener;
import dev.halo.io.Leftovers;
import dev.halo.kernel.KernelCorpus;
import dev.halo.kernel.ProfiledKernel;
import dev.halo.measure.DeviceFingerprint;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.Outcome;
import dev.halo.measure.model.ModelLatencyMeter;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.onnx.OnnxNetwork;
import dev.halo.onnx.model.OnnxModelReader;
import dev.halo.onnx.zoo.ModelZoo;
import dev.halo.onnx.zoo.ZooFiles;
import dev.halo.onnx.zoo.ZooModel;
import dev.halo.graph.Graph;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.GraphReport;
import dev.halo.graph.ValueInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Use case: profile models on this machine into a {@link KernelCorpus} folder, the data a kernel-level latency model is
 * fitted on (zoo models) or scored against (any ONNX file). Each model is run in one ONNX Runtime session that yields
 * its executed kernels, their profiled times and its whole latency; further rounds time it again in fresh sessions.
 * Resumable: models already in the corpus are skipped, so a cancelled or crashed run continues where it stopped.
 * A corpus belongs to one device: the fingerprint is written into it and a run on another device is refused.
 */
public final class ProfileModels {
    public static final String DEVICE_FILE = "device.json";

    /** What to profile: a zoo spec (exported with random weights) or an ONNX file with the family it is evaluated under. */
    public sealed interface Source {
        String id();

        String family();

        record Zoo(ZooModel model) implements Source {
            public String id() {
                return model.canonical();
            }

            public String family() {
                return model.family();
            }
        }

        record File(Path path, String family, String id) implements Source {
            /** A file identified by its name and the start of its SHA-256, so a changed file is another model. */
            public static File of(Path path, String family) {
                if (!Files.isRegularFile(path)) throw new BadInputException(path + ": no such file");
                try {
                    String sha = ZooFiles.sha256(Files.readAllBytes(path)).substring(0, 12);
                    String name = path.getFileName().toString().replace(',', '_');
                    return new File(path, family, "file:" + name + "@" + sha);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + path, e);
                }
            }
        }
    }

    /**
     * @param profileRuns profiled runs after warm-up (kernel times are their mean)
     * @param rounds timing rounds (the first in the profiling session after profiling ends, the others in fresh sessions)
     */
    public record Request(List<Source> sources, MeasureSettings settings, int profileRuns, int rounds, long seed, Path corpus) {
        public Request {
            sources = List.copyOf(sources);
            if (sources.isEmpty()) throw new BadInputException("no models to profile");
            if (profileRuns < 1 || profileRuns > 1000) throw new BadInputException("--profile-runs must be in 1..1000, got " + profileRuns);
            if (rounds < 1 || rounds > 20) throw new BadInputException("--rounds must be in 1..20, got " + rounds);
        }
    }

    /** @param failed models that could not be profiled, each with its reason (they are not in the corpus) */
    public record Result(DeviceFingerprint device, int profiled, int skipped, List<String> failed, double minutes) {}

    private ProfileModels() {}

    /** {@code n} zoo models of {@code family} ("all": every family in turn) drawn with {@code seed}. */
    public static List<Source> zooSources(String family, int n, long seed) {
        return ModelZoo.sample(family, n, seed).stream().<Source>map(Source.Zoo::new).toList();
    }

    public static Result run(Request r, Listener listener) {
        DeviceFingerprint device = DeviceFingerprint.current(r.settings());
        claimCorpus(r.corpus(), device);
        Set<String> done = new HashSet<>();
        KernelCorpus.read(r.corpus()).forEach(m -> done.add(m.id()));
        long start = System.nanoTime();
        int profiled = 0, skipped = 0, step = 0;
        List<String> failed = new ArrayList<>();
        for (Source s : r.sources()) {
            listener.checkCancelled();
            listener.progress("profile", step++, r.sources().size(), s.id());
            if (done.contains(s.id())) {
                skipped++;
                continue;
            }
            try {
                KernelCorpus.append(r.corpus(), profile(s, r));
                done.add(s.id());
                profiled++;
            } catch (BadInputException | IllegalStateException e) {
                failed.add(s.id() + ": " + e.getMessage());
            }
        }
        listener.progress("profile", r.sources().size(), r.sources().size(), "");
        return new Result(device, profiled, skipped, failed, (System.nanoTime() - start) / 6e10);
    }

    private static KernelCorpus.Model profile(Source s, Request r) {
        Path tmp = null;
        try {
            Path file;
            if (s instanceof Source.Zoo z) {
                tmp = Files.createTempDirectory("halo-zoo-profile");
                OnnxNetwork net = z.model().export(1, r.seed());
                file = tmp.resolve("model.onnx");
                Files.write(file, net.bytes());
            } else {
                file = ((Source.File) s).path();
            }
            Graph g = OnnxModelReader.read(file);
            GraphReport report = GraphAnalysis.analyze(g, Map.of());
            List<ValueInfo> inputs = GraphAnalysis.resolveInputs(g, Map.of());
            ModelProfiler.Profile p = ModelProfiler.profile(file, g, Map.of(), r.settings(), r.profileRuns(), r.seed());
            if (!p.uncosted().isEmpty()) throw new BadInputException("executed kernels halo cannot describe: " + String.join(", ", p.uncosted()));
            double[] rounds = new double[r.rounds()];
            rounds[0] = median(p.latency(), s.id());
            ModelLatencyMeter meter = new ModelLatencyMeter(file, g.feeds(), inputs, Map.of(), r.settings(), r.seed());
            for (int i = 1; i < rounds.length; i++) rounds[i] = median(meter.measure(s.id()), s.id());
            double[] sorted = rounds.clone();
            Arrays.sort(sorted);
            double latency = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : 0.5 * (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]);
            int resolution = s instanceof Source.Zoo z ? z.model().resolution() : resolution(inputs);
            return new KernelCorpus.Model(s.id(), s.family(), resolution, report.totals().macs(), report.totals().params(), p.kernels(),
                    p.profiledMs(), latency, rounds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a zoo model for profiling", e);
        } finally {
            if (tmp != null) Leftovers.deleteRecursively(tmp);
        }
    }

    private static double median(Outcome o, String id) {
        return switch (o) {
            case Outcome.Measured m -> m.stats().medianMs();
            case Outcome.Failed f -> throw new IllegalStateException("timing failed: " + f.reason());
        };
    }

    /** The last dimension of the first input of rank 4 (images), else 0. */
    private static int resolution(List<ValueInfo> inputs) {
        for (ValueInfo v : inputs) {
            var s = v.shape();
            if (s != null && s.rank() == 4) return (int) s.dim(3);
        }
        return 0;
    }

    private static void claimCorpus(Path corpus, DeviceFingerprint device) {
        try {
            Files.createDirectories(corpus);
            Path file = corpus.resolve(DEVICE_FILE);
            if (Files.exists(file)) {
                String stored = Files.readString(file, StandardCharsets.UTF_8);
                if (!stored.contains("\"" + device.id() + "\""))
                    throw new BadInputException(corpus + " holds profiles of another device (" + file + "); this machine is "
                            + device.label() + ": give another --corpus folder");
            } else {
                Files.writeString(file, "{\"id\":\"" + device.id() + "\",\"fingerprint\":" + device.toJson() + "}\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the corpus folder " + corpus, e);
        }
    }
}
