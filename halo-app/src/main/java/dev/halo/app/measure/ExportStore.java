package dev.halo.app.measure;

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

/**
 * What {@code halo measure} stored, as a dataset folder in halo's CSV layout: one column per device, over the architectures
 * every chosen device measured (an arch's latency is the median over its rounds of the statistic). Several stores may hold
 * parts of one device's runs; every reference architecture must be measured.
 */
public final class ExportStore {
    private ExportStore() {}

    /**
     * {@code devices}: fingerprint → column name; {@code statistic}: median or min of a round's runs; {@code references}: the
     * dataset whose reference architectures to use (null: the shared {@code help/<space>}).
     */
    public record Request(List<Path> stores, String space, Map<String, String> devices, String statistic, Path references, Path out, boolean replace) {}

    /** The architectures and device columns written to {@code out}. */
    public record Result(int archs, List<String> devices, Path out) {}

    public static Result run(Request r) {
        SearchSpace<?> space = Spaces.byName(r.space());
        Map<String, String> devices = r.devices();
        Path references = r.references();
        ToDoubleFunction<LatencyStats> stat = switch (r.statistic()) {
            case "median" -> LatencyStats::medianMs;
            case "min" -> LatencyStats::minMs;
            default -> throw new BadInputException("--statistic must be median or min, got '" + r.statistic() + "'");
        };
        Map<String, Map<String, Double>> byDevice = new LinkedHashMap<>();
        devices.values().forEach(name -> byDevice.put(name, new LinkedHashMap<>()));
        for (Path file : r.stores()) {
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
        DatasetWriter.write(r.out(), space.name(), key, archs, reference, columns, integral, r.replace());
        return new Result(archs.size(), List.copyOf(columns.keySet()), r.out());
    }
}
