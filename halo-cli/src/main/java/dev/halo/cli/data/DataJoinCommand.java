package dev.halo.cli.data;

import dev.halo.data.DatasetJoin;
import dev.halo.data.LatencyDataset;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo data join}: several datasets of one space as one, over their common architectures. */
@Command(
        name = "join",
        mixinStandardHelpOptions = true,
        description = {
            "Join datasets of one search space into one folder.",
            "The result has every device of every input, over the architectures all inputs measured, in the first input's row",
            "order (keep a HELP table first so that HELP's row-based pools stay put).",
            "The reference architectures are the first input's.",
            "",
            "Example (evaluate few-shot prediction on devices halo measured itself):",
            "  halo data join --dataset ../shared/data/help/nasbench201 \\",
            "      --dataset data/measured/nasbench201 --out /tmp/nb201-joined",
            "  halo evaluate --space nasbench201 --dataset /tmp/nb201-joined --method experimental:mix-loo \\",
            "      --train-devices ... --valid-devices ... --test-devices <measured devices>"
        })
public final class DataJoinCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--dataset", required = true, arity = "1", paramLabel = "DIR", description = "A dataset folder; give two or more.")
    List<Path> datasets;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder to create (must not exist or be empty).")
    Path out;

    @Option(names = "--replace", description = "Replace --out if it already holds files.")
    boolean replace;

    @Override
    public void run() {
        List<LatencyDataset> inputs = datasets.stream().map(LatencyDataset::load).toList();
        LatencyDataset joined = DatasetJoin.join(inputs, out, replace);
        spec.commandLine().getOut().printf("joined %d datasets: %d archs x %d devices -> %s%n", inputs.size(), joined.archCount(),
                joined.devices().size(), joined.source());
        spec.commandLine().getOut().flush();
    }
}
