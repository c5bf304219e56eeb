package dev.halo.cli.model;

import dev.halo.cli.CommandGroup;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code halo model}: work with your own ONNX model files. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = {
            "Your own model: any ONNX file in.",
            "",
            "  halo model describe resnet50.onnx                      nodes, shapes, MACs/FLOPs, params, bytes",
            "  halo model describe bert.onnx --input x=1x128x768      fix dynamic dimensions",
            "  halo model describe resnet50.onnx --kernels            what ONNX Runtime executes after fusion",
            "",
            "Latency of a model file: 'halo measure --model FILE.onnx --store FILE.db'."
        })
public final class ModelCommand implements Runnable, CommandGroup {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public List<Class<?>> subcommands() {
        return List.of(ModelDescribeCommand.class, ModelProfileCommand.class, ModelFitCommand.class, ModelOnboardCommand.class,
                ModelPredictCommand.class);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
