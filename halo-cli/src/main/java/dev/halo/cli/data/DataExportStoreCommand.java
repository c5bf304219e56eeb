package dev.halo.cli.data;

import dev.halo.app.measure.ExportStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


/** {@code halo data export-store}: measurement stores to a dataset folder (one device column per named device). */
@Command(
        name = "export-store",
        mixinStandardHelpOptions = true,
        description = {
            "Write what 'halo measure' stored as a dataset folder in halo's CSV layout.",
            "The folder has one column per device, over the architectures every chosen device measured",
            "(the latency of an arch is the median over its rounds of --statistic).",
            "Devices are chosen as FINGERPRINT=NAME (see the store's devices table or",
            "the measure summary); several stores may hold parts of one device's runs.",
            "The reference architectures are those of --references (default: the shared",
            "HELP dataset of the space); all of them must be measured.",
            "",
            "Example:",
            "  halo data export-store --store a.db --store b.db --space nasbench201 \\",
            "      --device e32ad48a28403296=myhost_1t_b1 --out data/measured/nasbench201"
        })
public final class DataExportStoreCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--store", required = true, arity = "1", paramLabel = "FILE", description = "SQLite measurement store(s).")
    List<Path> stores;

    @Option(names = "--space", required = true, description = "Search space of the measurements.")
    String spaceName;

    @Option(names = "--device", required = true, arity = "1", paramLabel = "FINGERPRINT=NAME", description = "A device to export and its column name.")
    Map<String, String> devices;

    @Option(names = "--statistic", defaultValue = "median", description = "median or min of the runs of a round (default: ${DEFAULT-VALUE}).")
    String statistic;

    @Option(names = "--references", paramLabel = "DIR", description = "Dataset whose reference architectures to use (default: shared help/<space>).")
    Path references;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder to create (must not exist or be empty).")
    Path out;

    @Option(names = "--replace", description = "Replace --out if it already holds files.")
    boolean replace;

    @Override
    public void run() {
        ExportStore.Result r = ExportStore.run(new ExportStore.Request(stores, spaceName, devices, statistic, references, out, replace));
        spec.commandLine().getOut().printf("exported %d archs x %d devices (%s) -> %s%n", r.archs(), r.devices().size(),
                String.join(", ", r.devices()), r.out().toAbsolutePath().normalize());
        spec.commandLine().getOut().flush();
    }
}
