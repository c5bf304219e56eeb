package dev.halo.app.model;

import dev.halo.BadInputException;
import dev.halo.graph.Graph;
import dev.halo.graph.TensorShape;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelCostModel;
import dev.halo.kernel.KernelModelFile;
import dev.halo.kernel.KernelShape;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.model.OnnxModelReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Use case {@code halo model predict}: the latency of an ONNX model on one or more devices, each described by a
 * kernel model file (profiled here, or adapted to another device), with a 90 % interval and the per-kernel breakdown.
 * The kernels are those ONNX Runtime executes after its graph optimisation on this machine.
 */
public final class PredictModel {
    private PredictModel() {}

    public record Request(Path model, Map<String, TensorShape> inputs, List<Path> devices) {
        public Request {
            inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
            devices = List.copyOf(devices);
            if (devices.isEmpty()) throw new BadInputException("give at least one --device FILE (a kernel model from halo model onboard or fit)");
        }
    }

    public record DevicePrediction(Path file, GraphLatencyModel device, KernelCostModel.Prediction prediction) {}

    /** @param seconds the time taken: reading, optimising, predicting */
    public record Result(Path model, List<KernelShape> kernels, List<DevicePrediction> devices, double seconds) {}

    public static Result run(Request r) {
        long start = System.nanoTime();
        List<GraphLatencyModel> devices = r.devices().stream().map(PredictModel::load).toList();
        List<KernelShape> kernels = executedKernels(r.model(), r.inputs());
        List<DevicePrediction> out = new ArrayList<>();
        List<DevicePrediction> predicted = predict(kernels, devices);
        for (int i = 0; i < devices.size(); i++) out.add(new DevicePrediction(r.devices().get(i), devices.get(i), predicted.get(i).prediction()));
        return new Result(r.model(), kernels, out, (System.nanoTime() - start) / 1e9);
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

    /** The kernels ONNX Runtime executes for a model file at optimisation level ALL on this machine. */
    public static List<KernelShape> executedKernels(Path model, Map<String, TensorShape> inputs) {
        Graph original = OnnxModelReader.read(model);
        Graph optimized = OptimizedModel.kernels(model, original, inputs, GraphOptimization.ALL);
        List<KernelShape> kernels = ModelProfiler.executedKernels(optimized, inputs);
        if (kernels.isEmpty()) throw new BadInputException(model + ": no kernel of the optimised graph could be described");
        return kernels;
    }

    /** Reads and checks a kernel model from a stream (e.g. an upload); {@code source} names it in messages. */
    public static GraphLatencyModel load(InputStream in, String source) {
        return KernelModelFile.read(in, source);
    }

    public static GraphLatencyModel load(Path file) {
        if (!Files.isRegularFile(file)) throw new BadInputException("--device " + file + ": no such file");
        try (InputStream in = Files.newInputStream(file)) {
            return KernelModelFile.read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
