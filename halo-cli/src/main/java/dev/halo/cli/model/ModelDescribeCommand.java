package dev.halo.cli.model;

import dev.halo.BadInputException;
import dev.halo.app.model.DescribeModel;
import dev.halo.cli.output.FormatOption;
import dev.halo.io.SafeOutput;
import dev.halo.measure.GraphOptimization;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halo model describe FILE.onnx}: every node with its shapes and cost, totals, and the executed kernels. */
@Command(
        name = "describe",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Describe an ONNX model: shapes, MACs, FLOPs, parameters and bytes moved, node by node.",
            "Every node is listed with its input/output shapes and costs, then the totals.",
            "",
            "Shapes come from halo's own shape inference (Conv, ConvTranspose, Gemm, MatMul, norms, activations,",
            "pooling, Add/Mul/Concat/Split/Slice, Reshape/Transpose/Flatten, Softmax, Resize, ...). A node it cannot",
            "handle is listed as not costed, naming node and operator; the rest is still described, and the command",
            "then exits with status 2. The model's weights are never loaded: a 500 MB file is streamed.",
            "",
            "MACs count Conv, ConvTranspose, Gemm, MatMul and attention; FLOPs are 2 per MAC plus one per output",
            "element of other computing ops (see the docs); params count float constants, BatchNorm running",
            "statistics are reported apart as buffers.",
            "",
            "--kernels also describes the graph ONNX Runtime executes on this machine after its optimisations",
            "(Conv+BN folding, Conv+activation fusion, GELU/LayerNorm/attention fusion, NCHWc layout at level all).",
            "",
            "Examples:",
            "  halo model describe resnet18.onnx",
            "  halo model describe vit.onnx --input pixel_values=1x3x224x224 --format json --out vit.json",
            "  halo model describe mobilenet.onnx --kernels --opt all"
        })
public final class ModelDescribeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.onnx", description = "The ONNX model (external data files next to it).")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=SHAPE",
            description = "Shape of an input, e.g. input=1x3x224x224 (repeat per input; needed for dynamic dimensions).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--kernels", description = "Also describe the kernels ONNX Runtime executes after graph optimisation.")
    boolean kernels;

    @Option(names = "--opt", paramLabel = "all|none", description = "Optimisation level for --kernels (default: all, as halo measures).")
    String opt = "all";

    @Mixin FormatOption format = new FormatOption();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the description to FILE instead of stdout.")
    Path out;

    @Override
    public Integer call() {
        GraphOptimization level = switch (opt.strip().toLowerCase(Locale.ROOT)) {
            case "all" -> GraphOptimization.ALL;
            case "none" -> GraphOptimization.NONE;
            default -> throw new BadInputException("--opt must be all or none, got '" + opt + "'");
        };
        if (out != null) {
            Path parent = SafeOutput.check(out, "--out").path().getParent();
            if (parent == null || !Files.isDirectory(parent)) throw new BadInputException("--out " + out + ": directory " + parent + " does not exist");
        }
        var request = new DescribeModel.Request(model, DescribeModel.parseInputs(inputs), kernels, level);
        DescribeModel.Result result = new DescribeModel().run(request);
        StringWriter text = new StringWriter();
        try (PrintWriter w = new PrintWriter(text)) {
            new ModelReportView(result, level).print(format.format, w);
        }
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            SafeOutput.writeString(out, "--out", text.toString());
            spec.commandLine().getErr().println("wrote " + out);
        }
        List<String> problems = result.problems();
        if (!problems.isEmpty())
            throw new BadInputException(model + ": " + problems.size() + " node(s) not costed; first: " + problems.getFirst());
        return 0;
    }
}
