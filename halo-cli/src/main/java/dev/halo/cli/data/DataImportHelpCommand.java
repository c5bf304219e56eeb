package dev.halo.cli.data;

import dev.halo.data.HelpImporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halo data import-help}: HELP's .pt data files to a halo CSV dataset. */
@Command(
        name = "import-help",
        mixinStandardHelpOptions = true,
        description = {
            "Convert HELP's own data files (torch .pt) into a dataset folder.",
            "Reads latency/<device>.pt, hardware_embedding_index.pt, and",
            "str_arch2idx.pt (nasbench201) or arch.pt (fbnet) and writes halo's CSV layout.",
            "PyTorch is not needed.",
            "Numbers are written exactly as the shared CSV export writes them; the",
            "folder appears only when the import is complete.",
            "",
            "Examples:",
            "  halo data import-help HELP/data --space nasbench201 --out data/nb201",
            "  halo data import-help HELP/data/fbnet --space fbnet --out data/fb --replace"
        })
public final class DataImportHelpCommand implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HELP_DATA_DIR", description = "HELP's data/ folder, or its <space>/ sub-folder.")
    Path helpData;

    @Option(names = "--space", required = true, paramLabel = "SPACE", description = "nasbench201 or fbnet.")
    String space;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder to create (must not exist or be empty).")
    Path out;

    @Option(names = "--replace", description = "Replace --out if it already holds files.")
    boolean replace;

    @Override
    public void run() {
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        HelpImporter.Result r = HelpImporter.importSpace(helpData, space, out, replace, line -> {
            err.println(line);
            err.flush();
        });
        spec.commandLine().getOut().printf("imported %s: %d archs x %d devices (%s), %d reference archs -> %s (%.1f s)%n",
                r.space(), r.archCount(), r.devices().size(), String.join(", ", r.devices()), r.referenceCount(), r.out(),
                (System.nanoTime() - start) / 1e9);
        spec.commandLine().getOut().flush();
    }
}
