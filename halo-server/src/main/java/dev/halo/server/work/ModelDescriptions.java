package dev.halo.server.work;

import dev.halo.BadInputException;
import dev.halo.app.model.DescribeModel;
import dev.halo.app.model.PredictModel;
import dev.halo.kernel.GraphLatencyModel;
import dev.halo.kernel.KernelCostModel;
import dev.halo.graph.GraphReport;
import dev.halo.graph.NodeCost;
import dev.halo.graph.NodeReport;
import dev.halo.graph.TensorShape;
import dev.halo.graph.ValueInfo;
import dev.halo.measure.GraphOptimization;
import dev.halo.server.api.ApiException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/models/describe}: an uploaded ONNX model described by halo-app's {@link DescribeModel} (what
 * {@code halo model describe --kernels} prints): its nodes with shapes and costs, the kernels ONNX Runtime executes
 * after optimising it at level {@code all} on this machine, and the totals of both; with devices, those kernels'
 * latency on each by its kernel model ({@link KernelModels}), predicted by halo-app's {@link PredictModel#predict}
 * (what {@code halo model predict} runs) on the kernels of this same optimisation.
 *
 * <p>The upload is on disk only while the request runs ({@link ModelUploads}: streamed, limited, deleted after).
 */
public final class ModelDescriptions {
    /**
     * @param name     what the client called the file (shown, never used as a path)
     * @param sha256   of the uploaded bytes
     * @param graph    the model as exported
     * @param kernels  the nodes ONNX Runtime executes after its graph optimisation (level {@code all}, this machine)
     * @param latency  the predicted latency on the first device asked for (every number null when none was)
     * @param latencies the predicted latency on each device asked for, in the order asked (empty when none was)
     */
    public record Description(String name, long fileBytes, String sha256, String producer, long opset, List<Value> inputs, List<Value> outputs,
                              Graph graph, Graph kernels, Latency latency, List<Latency> latencies) {}

    public record Value(String name, String type, String shape) {}

    /** A graph's nodes, its node count per operator (most frequent first), totals, and the nodes that could not be costed. */
    public record Graph(List<Node> nodes, Map<String, Long> opCounts, Totals totals, List<String> problems) {}

    /** Shapes as {@code 1x3x224x224} ({@code ?} unknown); the costs are null for a node that could not be costed ({@code problem}). */
    public record Node(int index, String name, String op, List<String> inputs, List<String> weights, List<String> outputs, Long macs, Long flops,
                       Long params, Long bytesMoved, String problem) {}

    public record Totals(int nodes, int costed, long macs, long flops, long params, long buffers, long bytesMoved, long weightBytes) {}

    /**
     * Predicted latency of the executed kernels on a device, by the device's kernel model (halo-app's
     * {@link PredictModel#predict}): the total with its 90 % interval, and {@code kernelMs} aligned with
     * {@code kernels.nodes} (matched by node name; null for a kernel that could not be costed, which the model does
     * not see). Without a device every number is null and {@code note} says why.
     *
     * @param model how the device's kernel model was made (one line)
     * @param predictedKernels how many of {@code kernels.nodes} have a predicted time
     */
    public record Latency(String device, String model, Double totalMs, Double lowMs, Double highMs, List<Double> kernelMs, int predictedKernels,
                          String note) {
        static final Latency NOT_YET = new Latency(null, null, null, null, null, null, 0,
                "not predicted yet: give ?device=NAME, a device with a kernel model (PUT /api/devices/NAME/kernel-model), to predict this model's latency");
    }

    private final ModelUploads uploads;

    /** @param uploads where the upload is written for the length of the request (shared with {@link ModelPredictions}) */
    public ModelDescriptions(ModelUploads uploads) {
        this.uploads = uploads;
    }

    /**
     * Describes the model {@code body} streams ({@code contentLength} -1 when unknown), with its latency predicted on
     * each of {@code devices} (none: no prediction); {@code inputs} are {@code NAME=SHAPE} for dynamic dimensions. 400
     * for a file that is not a model halo can read (the message names the upload by {@code name}, never a server path),
     * 413 over the model limit, 503 when it waited too long behind other uploads ({@link ModelUploads}).
     */
    public Description describe(String name, InputStream body, long contentLength, List<String> inputs, List<KernelModels.Loaded> devices) {
        Map<String, TensorShape> shapes = ModelUploads.inputs(inputs);
        return uploads.receive(name, body, contentLength, u -> {
            DescribeModel.Result r;
            try {
                r = new DescribeModel().run(new DescribeModel.Request(u.file(), shapes, true, GraphOptimization.ALL));
            } catch (BadInputException e) {
                throw u.refusal(e);
            }
            List<Latency> latencies = devices.isEmpty() ? List.of() : latencies(r, devices);
            return new Description(u.shown(), r.fileBytes(), u.sha256(), r.producer(), r.opset(), values(r.graph().inputs()), values(r.graph().outputs()),
                    graph(r.graph()), graph(r.kernels()), latencies.isEmpty() ? Latency.NOT_YET : latencies.getFirst(), latencies);
        });
    }

    /** Each device's prediction of the described model's executed kernels, per kernel matched to the description's nodes by name. */
    static List<Latency> latencies(DescribeModel.Result r, List<KernelModels.Loaded> devices) {
        if (r.executedKernels().isEmpty())
            throw ApiException.badInput("body", "no kernel of the optimised graph could be costed, so none can be predicted");
        List<PredictModel.DevicePrediction> predicted = PredictModel.predict(r.executedKernels(), devices.stream().map(KernelModels.Loaded::model).toList());
        List<Latency> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            KernelCostModel.Prediction p = predicted.get(i).prediction();
            Map<String, ArrayDeque<Double>> byNode = new HashMap<>();
            for (KernelCostModel.KernelMs k : p.kernels()) byNode.computeIfAbsent(k.kernel().node(), n -> new ArrayDeque<>()).add(k.ms());
            List<Double> kernelMs = new ArrayList<>();
            int matched = 0;
            for (NodeReport n : r.kernels().nodes()) {
                ArrayDeque<Double> q = byNode.get(n.name());
                Double ms = q == null ? null : q.poll();
                kernelMs.add(ms);
                if (ms != null) matched++;
            }
            int uncosted = r.kernels().nodes().size() - matched;
            GraphLatencyModel m = devices.get(i).model();
            out.add(new Latency(devices.get(i).device(), m.describe(), p.ms(), p.lowMs(), p.highMs(), Collections.unmodifiableList(kernelMs), matched,
                    "the kernels ONNX Runtime executes after optimising the model on this server (level all); 90 % interval"
                            + (uncosted > 0 ? "; " + uncosted + " kernel(s) not costed have no time of their own" : "")));
        }
        return out;
    }

    private static List<Value> values(List<ValueInfo> vs) {
        return vs.stream().map(v -> new Value(v.name(), v.type().label(), shape(v.shape()))).toList();
    }

    private static Graph graph(GraphReport g) {
        List<Node> nodes = g.nodes().stream().map(ModelDescriptions::node).toList();
        GraphReport.Totals t = g.totals();
        return new Graph(nodes, g.opCounts(), new Totals(t.nodes(), t.costed(), t.macs(), t.flops(), t.params(), t.buffers(), t.bytesMoved(), t.weightBytes()),
                g.problems().stream().map(NodeReport::problem).toList());
    }

    private static Node node(NodeReport n) {
        NodeCost c = n.cost();
        return new Node(n.index(), n.name(), n.op(), shapes(n.inputShapes()), shapes(n.weightShapes()), shapes(n.outputShapes()),
                c == null ? null : c.macs(), c == null ? null : c.flops(), c == null ? null : c.params(), c == null ? null : c.bytesMoved(), n.problem());
    }

    private static List<String> shapes(List<TensorShape> shapes) {
        return shapes.stream().map(ModelDescriptions::shape).toList();
    }

    private static String shape(TensorShape s) {
        return s == null ? "?" : s.toString();
    }
}
