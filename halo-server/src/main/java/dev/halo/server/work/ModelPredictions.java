package dev.halo.server.work;

import dev.halo.BadInputException;
import dev.halo.app.model.PredictModel;
import dev.halo.graph.TensorShape;
import dev.halo.kernel.KernelCostModel;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/predict} with an ONNX model as the body (issue 16): the model's latency on each device by the
 * device's kernel model ({@link KernelModels}), as {@code halo model predict} gives it — halo-app's
 * {@link PredictModel#executedKernels} (the kernels ONNX Runtime executes after optimising the model at level
 * {@code all}) predicted by {@link PredictModel#predict} — without the per-kernel description of
 * {@code /api/models/describe}. The kernels are found as {@code halo model predict --kernels auto} finds them: by
 * halo's emulation of ONNX Runtime's rewrites where it covers the model (milliseconds), else by an ONNX Runtime
 * session (most of a second on a ResNet-50); the answer says which.
 */
public final class ModelPredictions {
    /** The interval of a kernel model's prediction: 5 % to 95 %. */
    static final double LEVEL = 0.9;

    /**
     * @param model   what was predicted
     * @param level   the interval's coverage (a kernel model's is fixed at 90 %)
     * @param devices one per device, in the order asked
     * @param seconds the server's time on the request after its checks: waiting its turn behind other uploads, receiving,
     *                optimising, predicting
     */
    public record Prediction(Model model, double level, List<DeviceLatency> devices, double seconds) {}

    /**
     * @param name               what the client called the file ({@code ?name=}), or "the upload"
     * @param executedKernels    the kernels the prediction sums (costed kernels of the optimised graph)
     * @param kernelsFrom        "emulated" (halo's emulation of ONNX Runtime's rewrites) or "ort" (an ONNX Runtime session)
     * @param notEmulatedBecause why the emulation was not used (the node and operator it does not cover), or null
     */
    public record Model(String name, String sha256, long bytes, int executedKernels, String kernelsFrom, String notEmulatedBecause) {}

    /** @param kernelModel how the device's kernel model was made (one line) */
    public record DeviceLatency(String device, String kernelModel, double ms, double lowerMs, double upperMs) {}

    private final ModelUploads uploads;

    /** @param uploads where the upload is written for the length of the request (shared with {@link ModelDescriptions}) */
    public ModelPredictions(ModelUploads uploads) {
        this.uploads = uploads;
    }

    /**
     * Predicts the model {@code body} streams ({@code contentLength} -1 when unknown) on each of {@code devices};
     * {@code inputs} are {@code NAME=SHAPE} for dynamic dimensions. 400 naming {@code body} or {@code input} for a
     * file halo cannot read or predict, 413 over the model limit, 503 after waiting too long behind other uploads.
     */
    public Prediction predict(String name, InputStream body, long contentLength, List<String> inputs, List<KernelModels.Loaded> devices) {
        if (devices.isEmpty()) throw new IllegalArgumentException("no device to predict on");
        Map<String, TensorShape> shapes = ModelUploads.inputs(inputs);
        long start = System.nanoTime();
        return uploads.receive(name, body, contentLength, u -> {
            PredictModel.Executed executed;
            List<PredictModel.DevicePrediction> predicted;
            try {
                executed = PredictModel.executedKernels(u.file(), shapes, PredictModel.Kernels.AUTO);
                predicted = PredictModel.predict(executed.kernels(), devices.stream().map(KernelModels.Loaded::model).toList());
            } catch (BadInputException e) {
                throw u.refusal(e);
            }
            List<DeviceLatency> out = new ArrayList<>(devices.size());
            for (int i = 0; i < devices.size(); i++) {
                KernelCostModel.Prediction p = predicted.get(i).prediction();
                out.add(new DeviceLatency(devices.get(i).device(), devices.get(i).model().describe(), p.ms(), p.lowMs(), p.highMs()));
            }
            // the fallback's reason names the node, never the upload's path on this server
            Model m = new Model(u.shown(), u.sha256(), u.bytes(), executed.kernels().size(), executed.source().label(),
                    executed.fallback().isEmpty() ? null : executed.fallback());
            return new Prediction(m, LEVEL, List.copyOf(out), (System.nanoTime() - start) / 1e9);
        });
    }
}
