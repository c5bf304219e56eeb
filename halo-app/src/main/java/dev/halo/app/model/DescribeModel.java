package dev.halo.app.model;

import dev.halo.BadInputException;
import dev.halo.graph.Graph;
import dev.halo.graph.GraphAnalysis;
import dev.halo.graph.GraphReport;
import dev.halo.graph.TensorShape;
import dev.halo.kernel.KernelShape;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.model.ModelProfiler;
import dev.halo.measure.model.OptimizedModel;
import dev.halo.onnx.model.OnnxModelReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Use case {@code halo model describe}: every node of an ONNX model with its shapes and cost, the totals, and
 * optionally the kernels ONNX Runtime executes after its graph optimisation.
 */
public final class DescribeModel {
    /**
     * @param model the ONNX file
     * @param inputs shapes for the model's inputs (required for dynamic dimensions)
     * @param kernels also describe the graph ONNX Runtime optimises the model into
     * @param level the optimisation level for {@code kernels} (halo measures at {@link GraphOptimization#ALL})
     */
    public record Request(Path model, Map<String, TensorShape> inputs, boolean kernels, GraphOptimization level) {
        public Request {
            inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        }

        public static Request of(Path model) {
            return new Request(model, Map.of(), false, GraphOptimization.ALL);
        }
    }

    /**
     * @param graph the model as exported: its nodes, shapes, costs and totals
     * @param kernels the nodes ONNX Runtime executes, or null when not asked for
     * @param producer the tool that wrote the model, and its opset
     * @param executedKernels the costed kernels of {@code kernels} as a kernel latency model reads them (empty when
     *     kernels were not asked for): what {@link PredictModel#predict(List, List)} takes
     */
    public record Result(Path model, String producer, long opset, long fileBytes, GraphReport graph, GraphReport kernels,
                         List<KernelShape> executedKernels) {
        public Result {
            executedKernels = List.copyOf(executedKernels);
        }

        /** One line per node that could not be costed. */
        public List<String> problems() {
            return graph.problems().stream().map(n -> n.problem()).toList();
        }
    }

    public Result run(Request request) {
        OnnxModelReader.Read read = OnnxModelReader.readWithStats(request.model());
        Graph g = read.graph();
        GraphReport report = analyze(request.model(), g, request.inputs());
        GraphReport kernels = null;
        List<KernelShape> executed = List.of();
        if (request.kernels()) {
            Graph optimised = OptimizedModel.kernels(request.model(), g, request.inputs(), request.level());
            kernels = analyze(request.model(), optimised, request.inputs());
            executed = ModelProfiler.executedKernels(optimised, kernels);
        }
        String producer = g.producer().isEmpty() ? "unknown" : g.producer();
        return new Result(request.model(), producer, g.opset(), read.fileBytes(), report, kernels, executed);
    }

    static GraphReport analyze(Path model, Graph g, Map<String, TensorShape> inputs) {
        try {
            return GraphAnalysis.analyze(g, inputs);
        } catch (BadInputException e) {
            throw new BadInputException(model + ": " + e.getMessage(), e);
        }
    }

    /** Parses {@code NAME=1x3x224x224} options; the same name twice is an error. */
    public static Map<String, TensorShape> parseInputs(List<String> specs) {
        Map<String, TensorShape> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.lastIndexOf('=');
            if (eq <= 0) throw new BadInputException("--input '" + spec + "': write NAME=SHAPE, e.g. input=1x3x224x224");
            String name = spec.substring(0, eq).strip();
            TensorShape shape;
            try {
                shape = TensorShape.parse(spec.substring(eq + 1));
            } catch (BadInputException e) {
                throw new BadInputException("--input " + spec + ": " + e.getMessage());
            }
            if (out.put(name, shape) != null) throw new BadInputException("--input " + name + " is given twice");
        }
        return out;
    }
}
