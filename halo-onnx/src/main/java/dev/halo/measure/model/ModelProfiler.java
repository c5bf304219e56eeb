package dev.halo.measure.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.halo.BadInputException;
import dev.halo.graph.Graph;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.GraphReport;
import dev.halo.graph.NodeReport;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.io.Leftovers;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ProfiledKernel;
import dev.halo.measure.MeasureSettings;
import dev.halo.measure.OrtLatencyMeter;
import dev.halo.measure.Outcome;
import dev.halo.onnx.model.OnnxModelReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One model, one ONNX Runtime session, three things learned: the graph the runtime executes (its optimised model,
 * written at session creation), every executed kernel's time from the profiler, and the model's latency timed after
 * profiling has ended (the profiler's own bookkeeping never enters that number). Kernels are joined to the profile by
 * node name, which the optimised model and the profiler share.
 */
public final class ModelProfiler {
    private ModelProfiler() {}

    /**
     * @param kernels every executed kernel halo could cost, with its profiled time (0 when the profiler listed none)
     * @param uncosted executed nodes halo could not describe (named with their operator); their time is in {@code profiledMs}
     * @param profiledMs the sum of all profiled kernel times per inference
     * @param latency the whole model's timing after profiling (or why it failed)
     */
    public record Profile(List<ProfiledKernel> kernels, List<String> uncosted, double profiledMs, Outcome latency) {
        public Profile {
            kernels = List.copyOf(kernels);
            uncosted = List.copyOf(uncosted);
        }
    }

    /** The kernels ONNX Runtime executes for {@code model} at the optimisation level of {@code settings}, with their shapes. */
    public static List<KernelShape> executedKernels(Graph optimized, Map<String, TensorShape> given) {
        return executedKernels(optimized, GraphAnalysis.analyze(optimized, given));
    }

    /** As {@link #executedKernels(Graph, Map)}, from the report of {@code optimized} already made (uncosted nodes left out). */
    public static List<KernelShape> executedKernels(Graph optimized, GraphReport report) {
        return KernelShape.executed(optimized, report);
    }

    /**
     * Profiles {@code model}: {@code settings.warmupRuns()} unprofiled-in-effect warm-up runs (dropped from the
     * profile), {@code profileRuns} profiled runs, then the harness's timed runs with profiling off.
     */
    public static Profile profile(Path model, Map<String, TensorShape> given, MeasureSettings settings, int profileRuns, long seed) {
        return profile(model, OnnxModelReader.read(model), given, settings, profileRuns, seed);
    }

    /** As {@link #profile(Path, Map, MeasureSettings, int, long)}, for a caller that has read the model already. */
    public static Profile profile(Path model, Graph original, Map<String, TensorShape> given, MeasureSettings settings, int profileRuns,
            long seed) {
        if (profileRuns < 1) throw new BadInputException("profile runs must be at least 1, got " + profileRuns);
        List<ValueInfo> inputs = GraphAnalysis.resolveInputs(original, given);
        ModelInputs.requireFeedable(inputs);
        Path dir;
        try {
            dir = Files.createTempDirectory("halo-profile");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the ONNX Runtime profile", e);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = null;
        try (OrtSession.SessionOptions options = OrtLatencyMeter.sessionOptions(settings)) {
            Path optimizedFile = dir.resolve("optimized.onnx");
            OptimizedModel.writeOptimizedModel(options, optimizedFile);
            options.enableProfiling(dir.resolve("ort").toString());
            ModelInputs.fixSymbols(options, original.feeds(), given);
            try (OrtSession session = env.createSession(model.toString(), options)) {
                feed = ModelInputs.random(env, inputs, seed);
                for (int i = 0; i < settings.warmupRuns() + profileRuns; i++) session.run(feed).close();
                String trace = session.endProfiling();
                Outcome latency = OrtLatencyMeter.timedRuns(settings, session, feed);
                List<KernelProfile.Kernel> times = KernelProfile.parseInOrder(Path.of(trace), settings.warmupRuns());
                return join(OnnxModelReader.read(optimizedFile), given, times, latency);
            }
        } catch (OrtException e) {
            String m = e.getMessage() == null ? "" : e.getMessage();
            throw new BadInputException(model + ": ONNX Runtime cannot run it: " + m.lines().findFirst().orElse(m), e);
        } finally {
            if (feed != null) feed.values().forEach(OnnxTensor::close);
            Leftovers.deleteRecursively(dir);
        }
    }

    /**
     * Kernels joined to their profiled times by node name. ONNX Runtime leaves some nodes it creates unnamed in the
     * optimised model it writes (e.g. the HardSigmoid and Mul it splits HardSwish into) while its profiler names them
     * ({@code HardSigmoid_157}): those are matched in execution order, operator by operator, with the profiled kernels
     * no named node claimed.
     */
    static Profile join(Graph optimized, Map<String, TensorShape> given, List<KernelProfile.Kernel> times, Outcome latency) {
        GraphReport report = GraphAnalysis.analyze(optimized, given);
        List<KernelShape> shapes = new ArrayList<>();
        List<String> uncosted = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (NodeReport r : report.nodes()) {
            names.add(r.name());
            KernelShape k = KernelShape.of(optimized.nodes().get(r.index()), r);
            if (k == null) uncosted.add(r.name() + " (" + r.op() + ")");
            else shapes.add(k);
        }
        Map<String, Double> byName = new HashMap<>();
        Map<String, java.util.ArrayDeque<Double>> unclaimedByOp = new HashMap<>();
        double total = 0;
        for (KernelProfile.Kernel k : times) {
            total += k.ms();
            if (names.contains(k.node())) byName.merge(k.node(), k.ms(), Double::sum);
            else unclaimedByOp.computeIfAbsent(k.op(), o -> new java.util.ArrayDeque<>()).add(k.ms());
        }
        List<ProfiledKernel> kernels = new ArrayList<>();
        for (KernelShape k : shapes) {
            Double t = byName.get(k.node());
            if (t == null) {
                java.util.ArrayDeque<Double> q = unclaimedByOp.get(k.op().substring(k.op().lastIndexOf(':') + 1));
                t = q == null || q.isEmpty() ? 0.0 : q.poll();
            }
            kernels.add(new ProfiledKernel(k, t));
        }
        return new Profile(kernels, uncosted, total, latency);
    }
}
