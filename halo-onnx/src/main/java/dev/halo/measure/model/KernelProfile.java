package dev.halo.measure.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.io.Leftovers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-kernel times of a model file from ONNX Runtime's profiler, at the optimisation level it is measured at (so the
 * names are those of the executed kernels: fused and NCHWc nodes at level ALL). Warm-up runs are dropped.
 */
public final class KernelProfile {
    private static final String KERNEL_SUFFIX = "_kernel_time";

    /** One kernel: node name, operator as ORT reports it, mean ms per run, share of the profiled total. */
    public record Kernel(String node, String op, double ms, double share) {}

    private KernelProfile() {}

    public static List<Kernel> profile(Path model, List<ValueInfo> declared, List<ValueInfo> inputs, Map<String, TensorShape> given,
            MeasureSettings settings, int runs, long seed) {
        Path dir;
        try {
            dir = Files.createTempDirectory("halo-model-profile");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the ONNX Runtime profile", e);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = OrtLatencyMeter.sessionOptions(settings)) {
            options.enableProfiling(dir.resolve("ort").toString());
            ModelInputs.fixSymbols(options, declared, given);
            String trace;
            Map<String, OnnxTensor> feed = null;
            try (OrtSession session = env.createSession(model.toString(), options)) {
                feed = ModelInputs.random(env, inputs, seed);
                for (int i = 0; i < settings.warmupRuns() + runs; i++) session.run(feed).close();
                trace = session.endProfiling();
            } finally {
                if (feed != null) feed.values().forEach(OnnxTensor::close);
            }
            return parse(Path.of(trace), settings.warmupRuns());
        } catch (OrtException e) {
            throw new IllegalStateException("profiling " + model + " failed: " + e.getMessage(), e);
        } finally {
            Leftovers.deleteRecursively(dir);
        }
    }

    /** Kernels by mean time per run, slowest first, from an ORT Chrome-trace file; the first {@code skip} runs are dropped. */
    static List<Kernel> parse(Path trace, int skip) {
        List<Kernel> out = new ArrayList<>(parseInOrder(trace, skip));
        out.sort(Comparator.comparingDouble(Kernel::ms).reversed());
        return out;
    }

    /** As {@link #parse}, in the order the kernels first ran. */
    static List<Kernel> parseInOrder(Path trace, int skip) {
        JsonNode events;
        try {
            events = new ObjectMapper().readTree(trace.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX Runtime profile " + trace, e);
        }
        Map<String, double[]> acc = new LinkedHashMap<>(); // seen, counted, sum us
        Map<String, String> ops = new LinkedHashMap<>();
        for (JsonNode e : events) {
            if (!"Node".equals(e.path("cat").asText())) continue;
            String name = e.path("name").asText();
            if (!name.endsWith(KERNEL_SUFFIX)) continue;
            String node = name.substring(0, name.length() - KERNEL_SUFFIX.length());
            ops.putIfAbsent(node, e.path("args").path("op_name").asText("?"));
            double[] a = acc.computeIfAbsent(node, k -> new double[3]);
            if (a[0]++ < skip) continue;
            a[1]++;
            a[2] += e.path("dur").asDouble();
        }
        double total = acc.values().stream().mapToDouble(a -> a[1] == 0 ? 0 : a[2] / a[1]).sum();
        List<Kernel> out = new ArrayList<>();
        acc.forEach((node, a) -> {
            double ms = a[1] == 0 ? 0 : a[2] / a[1] / 1000.0;
            out.add(new Kernel(node, ops.get(node), ms, total == 0 ? 0 : ms * 1000.0 / total));
        });
        return out;
    }
}
