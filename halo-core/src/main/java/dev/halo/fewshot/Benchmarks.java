package dev.halo.fewshot;

import dev.halo.data.LatencyDataset;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds {@link Benchmark}s from datasets in the HELP CSV layout. */
public final class Benchmarks {
    private Benchmarks() {}

    /** Loads {@code dir} as a dataset of {@code space} with HELP's default pools for that space. */
    public static Benchmark load(Path dir, String space) {
        return of(LatencyDataset.load(dir, space));
    }

    /** The dataset's architectures parsed with its space, its latencies, and HELP's default pools. */
    public static Benchmark of(LatencyDataset dataset) {
        SearchSpace<?> space = Spaces.byName(dataset.space());
        List<Architecture> archs = dataset.archStrings().stream().<Architecture>map(space::parse).toList();
        return new Benchmark(space, archs, table(dataset), Pools.helpDefault(dataset.space()));
    }

    /** The dataset's latencies as a table, devices in the dataset's column order. */
    public static LatencyTable table(LatencyDataset dataset) {
        Map<String, double[]> byDevice = new LinkedHashMap<>();
        for (String device : dataset.deviceNames()) byDevice.put(device, dataset.latencies(device));
        return LatencyTable.of(dataset.archCount(), byDevice, dataset.referenceArchIndices());
    }
}
