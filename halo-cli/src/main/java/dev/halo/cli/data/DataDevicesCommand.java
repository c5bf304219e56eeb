package dev.halo.cli.data;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.data.Device;
import dev.halo.data.LatencyDataset;
import dev.halo.data.LatencyStats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo data devices}: one line per device of a dataset, with its latency summary. */
@Command(
        name = "devices",
        mixinStandardHelpOptions = true,
        description = {
            "List the devices of a latency dataset.",
            "Per device: kind, batch size, role in HELP's default split, and the spread of",
            "its latencies over all architectures (ms).",
            "",
            "Examples:",
            "  halo data devices                  # the shared NAS-Bench-201 data",
            "  halo data devices --space fbnet --format csv",
            "  halo data devices --role meta_test",
            "  halo data devices --dataset my-latencies/ --format json"
        })
public final class DataDevicesCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "Dataset folder (CSV layout of help/<space>/). Default: the shared data's help/<space>.")
    Path dataset;

    @Option(names = "--space", paramLabel = "SPACE",
            description = "Search space: nasbench201, fbnet or ofa (default: nasbench201; with --dataset: recognised from the files).")
    String space;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "Only devices with this role in HELP's default split: meta_train, meta_valid, meta_test, unused_by_default_scripts.")
    String role;

    @Mixin FormatOption format;

    @Override
    public void run() {
        // CPU time beside wall time: on a shared machine the wall time mostly measures the neighbours.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        LatencyDataset ds = load(dataset, space);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        spec.commandLine().getErr().printf("loaded %s: %d archs x %d devices in %.2f s (%.2f s CPU)%n", ds.source(), ds.archCount(),
                ds.devices().size(), seconds, cpu);

        Table table = new Table("device", "kind", "batch", "role", "archs", "distinct", "values",
                "min_ms", "p10_ms", "median_ms", "p90_ms", "max_ms", "mean_ms");
        if (role != null && ds.devicesWithRole(role).isEmpty()) {
            java.util.Set<String> roles = new java.util.TreeSet<>();
            ds.devices().forEach(d -> roles.add(d.helpRole()));
            throw new BadInputException("no device of " + ds.source() + " has role '" + role + "' (roles: " + String.join(", ", roles) + ")");
        }
        for (Device d : role == null ? ds.devices() : ds.devicesWithRole(role)) {
            LatencyStats s = d.stats();
            table.row(d.name(), d.kind(), d.batch().isPresent() ? (Object) d.batch().getAsInt() : null, d.helpRole(), s.count(), s.distinct(),
                    s.integerValued() ? "int" : "float", s.min(), s.p10(), s.median(), s.p90(), s.max(), s.mean());
        }
        table.print(format.format, spec.commandLine().getOut());
    }

    /** The dataset named by {@code --dataset}, else the shared data's {@code help/<space>}. */
    static LatencyDataset load(Path dataset, String space) {
        if (dataset != null) return LatencyDataset.load(dataset, space);
        String s = space == null ? "nasbench201" : space;
        if (!LatencyDataset.SPACES.contains(s))
            throw new BadInputException("unknown search space '" + s + "' (known: " + String.join(", ", LatencyDataset.SPACES) + ")");
        Path root = DataLocation.find().orElseThrow(() -> new BadInputException(
                "no --dataset given and " + DataLocation.describeMissing()));
        return LatencyDataset.load(root.resolve("help").resolve(s), s);
    }
}
