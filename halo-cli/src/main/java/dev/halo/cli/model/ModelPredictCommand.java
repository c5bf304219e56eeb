package dev.halo.cli.model;

import dev.halo.app.model.DescribeModel;
import dev.halo.app.model.PredictModel;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.kernel.KernelCostModel;
import java.io.PrintWriter;
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

/** {@code halo model predict FILE.onnx --device D.json ...}: predicted latency per device with interval and breakdown. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predict an ONNX model's latency on one or more devices, with an interval and a per-kernel breakdown.",
            "Each device is given by a kernel model file (from",
            "'halo model onboard' on that device, or adapted to it from a few measurements). Prints, per device, the",
            "predicted ms with a 90 %% interval, then the slowest kernels with their predicted ms. The kernels are those",
            "ONNX Runtime executes after its graph optimisation on this machine: by default worked out by halo's",
            "emulation of ORT's rewrites (milliseconds) when it covers every node, else from an ORT session (the",
            "reason is printed).",
            "",
            "Examples:",
            "  halo model predict resnet50.onnx --device here.kernel-model.json",
            "  halo model predict vit.onnx --input pixel_values=1x3x224x224 --device a.json --device b.json --format csv"})
public final class ModelPredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.onnx", description = "The ONNX model.")
    Path model;

    @Option(names = "--device", required = true, paramLabel = "FILE", description = "A device's kernel model (repeat for several devices).")
    List<Path> devices = new ArrayList<>();

    @Option(names = "--input", paramLabel = "NAME=SHAPE", description = "Shape of an input (needed for dynamic dimensions).")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--kernels", paramLabel = "auto|emulated|ort", defaultValue = "auto",
            description = "Where the executed kernels come from: auto (emulated when the emulation covers the model, else ONNX Runtime), "
                    + "emulated (refuse a model it does not cover) or ort (an ONNX Runtime session). Default: ${DEFAULT-VALUE}.")
    String kernels;

    @Option(names = "--top", paramLabel = "K", defaultValue = "10", description = "Slowest kernels listed per device (default: ${DEFAULT-VALUE}; 0: none).")
    int top;

    @Mixin FormatOption format = new FormatOption();

    @Override
    public Integer call() {
        PredictModel.Result r = PredictModel.run(new PredictModel.Request(model, DescribeModel.parseInputs(inputs), devices,
                PredictModel.Kernels.parse(kernels)));
        PrintWriter out = spec.commandLine().getOut();
        Table t = new Table("device", "predicted_ms", "low_ms", "high_ms", "kernels", "device_model");
        for (PredictModel.DevicePrediction d : r.devices())
            t.row(d.device().device(), round(d.prediction().ms()), round(d.prediction().lowMs()), round(d.prediction().highMs()), r.kernels().size(),
                    d.device().describe());
        t.print(format.format, out);
        if (top > 0 && format.format == dev.halo.cli.output.Format.table) {
            for (PredictModel.DevicePrediction d : r.devices()) {
                out.println();
                out.println("slowest predicted kernels on " + d.device().device() + ":");
                Table k = new Table("kernel", "op", "kind", "output", "predicted_ms", "share");
                for (KernelCostModel.KernelMs km : KernelCostModel.slowest(d.prediction(), top))
                    k.row(km.kernel().node(), km.kernel().op(), km.kind().label(), String.valueOf(km.kernel().firstOutput()), round(km.ms()),
                            String.format(Locale.ROOT, "%.1f %%", 100 * km.ms() / d.prediction().ms()));
                k.print(format.format, out);
            }
        }
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        if (!r.fallback().isEmpty()) err.println("kernels from ONNX Runtime: " + r.fallback());
        err.printf(Locale.ROOT, "predicted in %.0f ms (reading, %s, prediction)%n", 1000 * r.seconds(),
                r.source() == PredictModel.Kernels.EMULATED ? "ONNX Runtime's rewrites emulated" : "ONNX Runtime's optimisation");
        err.flush();
        return 0;
    }

    private static String round(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
