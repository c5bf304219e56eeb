package dev.halo.app.model;

import dev.halo.BadInputException;
import dev.halo.graph.Graph;
import dev.halo.graph.TensorShape;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelModelFile;
import dev.halo.kernel.KernelShape;
import dev.halo.kernel.ort.NchwcBlock;
import dev.halo.kernel.ort.OrtGraphEmulator;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.model.OnnxModelReader;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Use case {@code halo model predict}: the latency of an ONNX model on one or more devices, each described by a
 * kernel model file (profiled here, or adapted to another device), with a 90 % interval and the per-kernel breakdown.
 * The kernels are those ONNX Runtime executes after its graph optimisation on this machine: worked out by halo's
 * emulation of ORT's rewrites ({@link OrtGraphEmulator}, milliseconds, no weights loaded) where it covers the model,
 * else from the optimised model an ORT session writes (most of a second on a ResNet-50).
 */
public final class PredictModel {
    private PredictModel() {}

    /** Where the executed kernels come from. */
    public enum Kernels {
        /** Emulated when the emulation covers the whole model, else ONNX Runtime (the reason is kept). */
        AUTO,
        /** halo's emulation of ORT's rewrites only; a model it does not cover is refused. */
        EMULATED,
        /** An ONNX Runtime session's optimised model. */
        ORT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses {@code auto}, {@code emulated} or {@code ort} (the CLI's {@code --kernels}). */
        public static Kernels parse(String text) {
            for (Kernels k : values()) if (k.label().equals(text.strip().toLowerCase(java.util.Locale.ROOT))) return k;
            throw new BadInputException("--kernels " + text + ": expected auto, emulated or ort");
        }
    }

    public record Request(Path model, Map<String, TensorShape> inputs, List<Path> devices, Kernels kernels) {
        public Request {
            inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
            devices = List.copyOf(devices);
            kernels = kernels == null ? Kernels.AUTO : kernels;
            if (devices.isEmpty()) throw new BadInputException("give at least one --device FILE (a kernel model from halo model onboard or fit)");
        }

        /** Kernels chosen {@link Kernels#AUTO automatically}. */
        public Request(Path model, Map<String, TensorShape> inputs, List<Path> devices) {
            this(model, inputs, devices, Kernels.AUTO);
        }
    }

    public record DevicePrediction(Path file, GraphLatencyModel device, KernelCostModel.Prediction prediction) {}

    /**
     * The executed kernels and how they were obtained.
     *
     * @param source {@link Kernels#EMULATED} or {@link Kernels#ORT}: what was used
     * @param fallback why the emulation was not used when {@link Kernels#AUTO} fell back to ORT (names the node and
     *     operator it does not cover), else ""
     */
    public record Executed(List<KernelShape> kernels, Kernels source, String fallback) {
        public Executed {
            kernels = List.copyOf(kernels);
        }
    }

    /**
     * @param seconds the time taken: reading, working out the kernels, predicting
     * @param source where the kernels came from ({@link Kernels#EMULATED} or {@link Kernels#ORT})
     * @param fallback why {@code auto} fell back to ORT, or ""
     */
    public record Result(Path model, List<KernelShape> kernels, List<DevicePrediction> devices, double seconds, Kernels source,
            String fallback) {}

    public static Result run(Request r) {
        long start = System.nanoTime();
        List<GraphLatencyModel> devices = r.devices().stream().map(PredictModel::load).toList();
        Executed executed = executedKernels(r.model(), r.inputs(), r.kernels());
        List<DevicePrediction> out = new ArrayList<>();
        List<DevicePrediction> predicted = predict(executed.kernels(), devices);
        for (int i = 0; i < devices.size(); i++) out.add(new DevicePrediction(r.devices().get(i), devices.get(i), predicted.get(i).prediction()));
        return new Result(r.model(), executed.kernels(), out, (System.nanoTime() - start) / 1e9, executed.source(), executed.fallback());
    }

    /**
     * The same prediction for kernels already known (e.g. {@link DescribeModel.Result#executedKernels()}) on device
     * models already loaded (e.g. from a server's database): nothing is read or optimised again. The predictions come
     * in the order of {@code devices}, each with a null {@code file}.
     */
    public static List<DevicePrediction> predict(List<KernelShape> kernels, List<GraphLatencyModel> devices) {
        if (kernels.isEmpty()) throw new BadInputException("no kernel of the optimised graph could be described");
        List<DevicePrediction> out = new ArrayList<>(devices.size());
        for (GraphLatencyModel d : devices) out.add(new DevicePrediction(null, d, d.predict(kernels)));
        return out;
    }

    /** The kernels ONNX Runtime executes for a model file at level ALL on this machine, obtained as {@code how} says. */
    public static Executed executedKernels(Path model, Map<String, TensorShape> inputs, Kernels how) {
        Graph original = OnnxModelReader.read(model);
        if (how == Kernels.ORT) return new Executed(ortKernels(model, original, inputs), Kernels.ORT, "");
        NchwcBlock.Detected block = NchwcBlock.ofThisMachine();
        String why = block.unknownBecause();
        if (block.known()) {
            OrtGraphEmulator.Result e = OrtGraphEmulator.emulate(original, inputs, block.block());
            if (e.covered()) {
                if (e.kernels().isEmpty()) throw new BadInputException(model + ": no kernel of the optimised graph could be described");
                return new Executed(e.kernels(), Kernels.EMULATED, "");
            }
            int more = e.uncovered().size() - 1;
            why = "the emulated ONNX Runtime rewrites do not cover " + e.uncovered().getFirst() + (more > 0 ? " (and " + more + " more)" : "");
        }
        if (how == Kernels.EMULATED)
            throw new BadInputException(model + ": --kernels emulated: " + why + " (--kernels ort or auto use ONNX Runtime instead)");
        return new Executed(ortKernels(model, original, inputs), Kernels.ORT, why);
    }

    /** The kernels ONNX Runtime executes for a model file at optimisation level ALL on this machine, from an ORT session. */
    public static List<KernelShape> executedKernels(Path model, Map<String, TensorShape> inputs) {
        return ortKernels(model, OnnxModelReader.read(model), inputs);
    }

    private static List<KernelShape> ortKernels(Path model, Graph original, Map<String, TensorShape> inputs) {
        Graph optimized = OptimizedModel.kernels(model, original, inputs, GraphOptimization.ALL);
        List<KernelShape> kernels = ModelProfiler.executedKernels(optimized, inputs);
        if (kernels.isEmpty()) throw new BadInputException(model + ": no kernel of the optimised graph could be described");
        return kernels;
    }

    /** Reads and checks a kernel model from a stream (e.g. an upload); {@code source} names it in messages. */
    public static GraphLatencyModel load(InputStream in, String source) {
        return KernelModelFile.read(in, source);
    }

    /** Reads and checks a kernel model file, through its binary cache ({@link KernelModelCache}). */
    public static GraphLatencyModel load(Path file) {
        return KernelModelCache.load(file);
    }
}
