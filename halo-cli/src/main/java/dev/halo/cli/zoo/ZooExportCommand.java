package dev.halo.cli.zoo;

import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.app.zoo.Zoo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write zoo models as .onnx files, with an index, into --out.",
            "Files are opset 17, float32, fixed batch, with random weights from --seed; the index is",
            "index.csv (file,spec,family,resolution,params,macs,sha256).",
            "A preset keeps its name (resnet50.onnx); other files are named family-<hash of the spec>.onnx.",
            "Many specs: pass @FILE (one per line)."})
public final class ZooExportCommand implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "SPEC", description = "Canonical strings (family:key=value:...) or preset names.")
    List<String> specs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Existing directory for the files.")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", defaultValue = "1", description = "Fixed batch size of input and output (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin FormatOption format;
    @Spec CommandSpec spec;

    @Override
    public void run() {
        Table t = new Table("file", "spec", "params_m", "gmacs", "sha256");
        for (Zoo.Exported e : Zoo.export(specs, out, batch, seed))
            t.row(e.file().toString(), e.spec(), String.format(Locale.ROOT, "%.3f", e.params() / 1e6),
                    String.format(Locale.ROOT, "%.3f", e.macs() / 1e9), e.sha256().substring(0, 16));
        t.print(format.format, new PrintWriter(spec.commandLine().getOut(), true));
    }
}
