package dev.halo.measure;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.onnx.Layer;
import dev.halo.onnx.OnnxNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-node kernel times from ONNX Runtime's profiler. The session runs at optimisation level NONE so that every
 * exported node is one kernel under its own name (fusions would merge nodes and hide their cost).
 */
public final class OpProfiler {
    private static final String KERNEL_SUFFIX = "_kernel_time";

    private final MeasureSettings settings;
    private final int runs;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    /**
     * @param settings threads, batch and provider to profile with (the optimisation level is forced to NONE)
     * @param runs profiled runs, after {@code settings.warmupRuns()} warm-up runs whose events are dropped
     */
    public OpProfiler(MeasureSettings settings, int runs) {
        if (runs < 1) throw new IllegalArgumentException("profiled runs must be at least 1, got " + runs);
        this.settings = settings.withOptimization(GraphOptimization.NONE);
        this.runs = runs;
    }

    /** Mean kernel time per run of every node of {@code net}, in ms, keyed by node name in graph order. */
    public Map<String, Double> profile(OnnxNetwork net) {
        Path dir;
        try {
            // ORT's trace files can be large: name the folder after this process, and remove those of dead ones
            String prefix = "halo-profile-";
            Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
            dev.halo.io.Leftovers.cleanPrefixed(tmpRoot, prefix);
            dir = Files.createTempDirectory(prefix + ProcessHandle.current().pid() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the ONNX Runtime profile", e);
        }
        try (OrtSession.SessionOptions options = OrtLatencyMeter.sessionOptions(settings)) {
            options.enableProfiling(dir.resolve("ort").toString());
            String traceFile;
            try (OrtSession session = env.createSession(net.bytes(), options); OnnxTensor in = OrtLatencyMeter.input(env, net)) {
                Map<String, OnnxTensor> feed = Map.of(net.inputName(), in);
                for (int i = 0; i < settings.warmupRuns() + runs; i++) session.run(feed).close();
                traceFile = session.endProfiling();
            }
            Map<String, Double> perNode = kernelTimes(Path.of(traceFile), settings.warmupRuns());
            Map<String, Double> ordered = new LinkedHashMap<>();
            for (Layer layer : net.layers()) ordered.put(layer.node(), perNode.getOrDefault(layer.node(), 0.0));
            return ordered;
        } catch (OrtException e) {
            throw new IllegalStateException("profiling failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Parses a Chrome-trace JSON written by ONNX Runtime: for every node, the mean duration of its
     * {@code <node>_kernel_time} events after dropping the first {@code skip} occurrences (warm-up runs), in ms.
     */
    static Map<String, Double> kernelTimes(Path trace, int skip) {
        JsonNode events;
        try {
            events = new ObjectMapper().readTree(trace.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX Runtime profile " + trace, e);
        }
        Map<String, double[]> sums = new HashMap<>(); // node -> {seen, counted, sum of microseconds}
        for (JsonNode e : events) {
            if (!"Node".equals(e.path("cat").asText())) continue;
            String name = e.path("name").asText();
            if (!name.endsWith(KERNEL_SUFFIX)) continue;
            String node = name.substring(0, name.length() - KERNEL_SUFFIX.length());
            double[] acc = sums.computeIfAbsent(node, k -> new double[3]);
            if (acc[0]++ < skip) continue;
            acc[1]++;
            acc[2] += e.path("dur").asDouble();
        }
        Map<String, Double> means = new HashMap<>();
        sums.forEach((node, acc) -> means.put(node, acc[1] == 0 ? 0.0 : acc[2] / acc[1] / 1000.0));
        return means;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.deleteIfExists(p);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover profile in the temp directory is harmless
        }
    }

    /** The layers of {@code net} joined with their profiled times. */
    public static List<TimedLayer> join(OnnxNetwork net, Map<String, Double> times) {
        return net.layers().stream().map(l -> new TimedLayer(l, times.getOrDefault(l.node(), 0.0))).toList();
    }

    /** A layer and its mean kernel time per run, ms. */
    public record TimedLayer(Layer layer, double ms) {}
}
