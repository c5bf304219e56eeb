package dev.halo.cli.data;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code halo data}: inspect and import latency datasets. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = {
            "Inspect and import latency datasets (architecture x device, milliseconds).",
            "A dataset is a folder in the CSV layout of the shared data's help/<space>/:",
            "latency.csv, hw_embedding_index.csv, devices.csv, archs.csv (docs/datasets.md)."
        },
        subcommands = {DataDevicesCommand.class, DataImportHelpCommand.class, DataJoinCommand.class, DataExportStoreCommand.class, DataImportStoreCommand.class})
public final class DataCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
