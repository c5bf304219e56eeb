package dev.halo.cli.data;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.data.DatasetWriter;
import dev.halo.data.LatencyDataset;
import dev.halo.measure.LatencyStats;
import dev.halo.measure.MeasurementStore;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo data export-store}: measurement stores to a dataset folder (one device column per named device). */
@Command(
        name = "export-store",
        mixinStandardHelpOptions = true,
        description = {
            "Write what 'halo measure' stored as a dataset folder in halo's CSV layout:",
            "one column per device, over the architectures every chosen device measured",
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
        SearchSpace<?> space = Spaces.byName(spaceName);
        ToDoubleFunction<LatencyStats> stat = switch (statistic) {
            case "median" -> LatencyStats::medianMs;
            case "min" -> LatencyStats::minMs;
            default -> throw new BadInputException("--statistic must be median or min, got '" + statistic + "'");
        };
        Map<String, Map<String, Double>> byDevice = new LinkedHashMap<>();
        devices.values().forEach(name -> byDevice.put(name, new LinkedHashMap<>()));
        for (Path file : stores) {
            if (!Files.isRegularFile(file)) throw new BadInputException(file + ": no such measurement store");
            try (MeasurementStore store = MeasurementStore.openForReading(file)) {
                for (MeasurementStore.DeviceRow d : store.devices()) {
                    String name = devices.get(d.fingerprint());
                    if (name != null) byDevice.get(name).putAll(store.latencies(d.id(), space.name(), stat));
                }
            }
        }
        byDevice.forEach((name, values) -> {
            if (values.isEmpty()) throw new BadInputException("device " + name + ": no " + space.name() + " measurements in the given stores");
        });
        LatencyDataset refs = LatencyDataset.load(references != null ? references : DataLocation.require("help/" + space.name()), space.name());
        List<String> archs = new ArrayList<>(byDevice.values().iterator().next().keySet());
        archs.removeIf(a -> byDevice.values().stream().anyMatch(m -> !m.containsKey(a)));
        if (space instanceof Nb201Space nb) archs.sort(Comparator.comparingInt(a -> nb.index(nb.parse(a))));
        else archs.sort(Comparator.naturalOrder());
        int[] reference = new int[refs.referenceArchIndices().length];
        for (int p = 0; p < reference.length; p++) {
            String canonical = space.parse(refs.archString(refs.referenceArchIndices()[p])).canonical();
            reference[p] = archs.indexOf(canonical);
            if (reference[p] < 0) throw new BadInputException("reference architecture " + canonical + " (position " + p + ") was not measured on every device");
        }
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, Boolean> integral = new LinkedHashMap<>();
        byDevice.forEach((name, values) -> {
            columns.put(name, archs.stream().map(a -> DatasetWriter.latencyText(values.get(a))).toList());
            integral.put(name, false);
        });
        String key = refs.keyColumn();
        DatasetWriter.write(out, space.name(), key, archs, reference, columns, integral, replace);
        spec.commandLine().getOut().printf("exported %d archs x %d devices (%s) -> %s%n", archs.size(), columns.size(),
                String.join(", ", columns.keySet()), out.toAbsolutePath().normalize());
        spec.commandLine().getOut().flush();
    }
}
