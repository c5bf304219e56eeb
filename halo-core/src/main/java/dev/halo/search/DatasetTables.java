package dev.halo.search;

import dev.halo.BadInputException;
import dev.halo.data.AccuracyTable;
import dev.halo.data.LatencyDataset;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measured data as search objectives: a latency dataset column as a {@link TableLatencyPredictor} (the ground
 * truth) and an accuracy table as an {@link AccuracyObjective}. Files are keyed by their own arch strings; these
 * are parsed by the space so that any accepted spelling matches the space's canonical form.
 */
public final class DatasetTables {
    private DatasetTables() {}

    /** The dataset's architectures parsed by {@code space}, by arch index; a string of another space is bad input. */
    public static <A extends Architecture> List<A> architectures(LatencyDataset dataset, SearchSpace<A> space) {
        if (!dataset.space().equals(space.name()))
            throw new BadInputException(dataset.source() + ": latency dataset is for space " + dataset.space() + ", not " + space.name());
        return parseAll(dataset.archStrings(), space, dataset.source().toString());
    }

    /** One device's measured latencies. */
    public static TableLatencyPredictor latencyColumn(LatencyDataset dataset, List<? extends Architecture> archsByIndex, String device) {
        double[] ms = dataset.latencies(device);
        Map<String, Double> m = new HashMap<>(2 * ms.length);
        for (int i = 0; i < ms.length; i++) m.put(archsByIndex.get(i).canonical(), ms[i]);
        return new TableLatencyPredictor(dataset.space(), dataset.source() + " column " + device, m);
    }

    /**
     * One accuracy metric ({@code cifar10}, {@code cifar100}, {@code imagenet16}) as an objective. When the space
     * can be listed completely ({@code everything} non-null), every architecture must have an accuracy, so that a
     * partial table or one of another space fails here with one line instead of in the middle of a search.
     */
    public static <A extends Architecture> AccuracyObjective<A> accuracy(AccuracyTable table, String metric, SearchSpace<A> space, List<A> everything) {
        double[] values = table.accuracies(metric);
        List<A> archs = parseAll(table.archStrings(), space, table.source().toString());
        Map<String, Double> byCanonical = new HashMap<>(2 * values.length);
        for (int i = 0; i < values.length; i++) byCanonical.put(archs.get(i).canonical(), values[i]);
        if (everything != null) {
            long missing = everything.stream().filter(a -> !byCanonical.containsKey(a.canonical())).count();
            if (missing > 0)
                throw new BadInputException(table.source() + ": accuracy table lacks " + missing + " of the " + everything.size() + " " + space.name()
                        + " architectures (e.g. " + everything.stream().filter(a -> !byCanonical.containsKey(a.canonical())).findFirst().orElseThrow().canonical() + ")");
        }
        return AccuracyObjective.fromTable(metric + " test accuracy (" + table.source().getFileName() + ")", byCanonical);
    }

    private static <A extends Architecture> List<A> parseAll(List<String> strings, SearchSpace<A> space, String source) {
        List<A> out = new ArrayList<>(strings.size());
        for (int i = 0; i < strings.size(); i++) {
            try {
                out.add(space.parse(strings.get(i)));
            } catch (BadInputException e) {
                throw new BadInputException(source + ": line " + (i + 2) + ": not a " + space.name() + " architecture (" + e.getMessage() + ")");
            }
        }
        return out;
    }
}
