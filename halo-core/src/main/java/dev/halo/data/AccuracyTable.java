package dev.halo.data;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Test accuracies (percent) of NAS-Bench-201 architectures, in the layout of the shared
 * {@code nasbench201-accuracy/accuracy.csv}: {@code arch_index} (0, 1, 2, ... in row order), {@code arch}
 * (the arch string), then one {@code <metric>_test} column per dataset ({@code cifar10_test},
 * {@code cifar100_test}, {@code imagenet16_test}). Read as strictly as {@link LatencyDataset}.
 */
public final class AccuracyTable {
    public static final String SHARED_FILE = "nasbench201-accuracy/accuracy.csv";
    private static final String SUFFIX = "_test";

    private final Path source;
    private final List<String> archStrings;
    private final Map<String, Integer> archIndex;
    private final Map<String, double[]> byMetric;

    private AccuracyTable(Path source, List<String> archStrings, Map<String, Integer> archIndex, Map<String, double[]> byMetric) {
        this.source = source;
        this.archStrings = archStrings;
        this.archIndex = archIndex;
        this.byMetric = byMetric;
    }

    /** The shared NAS-Bench-201 accuracy table (see {@link DataLocation}). */
    public static AccuracyTable shared() {
        return load(DataLocation.require(SHARED_FILE));
    }

    /** Loads an accuracy CSV file, or the {@code accuracy.csv} inside a folder. */
    public static AccuracyTable load(Path file) {
        if (Files.isDirectory(file)) file = file.resolve("accuracy.csv");
        CsvFile csv = CsvFile.read(file.toAbsolutePath().normalize());
        int indexCol = csv.requireColumn("arch_index");
        int archCol = csv.requireColumn("arch");
        Map<String, Integer> metricCols = new LinkedHashMap<>();
        for (int c = 0; c < csv.header().size(); c++) {
            if (c == indexCol || c == archCol) continue;
            String name = csv.header().get(c);
            if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length())
                throw new BadInputException(csv.path() + " line 1: column '" + name + "' is not an accuracy column (expected <metric>" + SUFFIX
                        + ", e.g. cifar10" + SUFFIX + ")");
            metricCols.put(name.substring(0, name.length() - SUFFIX.length()), c);
        }
        if (metricCols.isEmpty()) throw new BadInputException(csv.path() + " line 1: no accuracy columns (expected e.g. cifar10" + SUFFIX + ")");
        int n = csv.rowCount();
        if (n == 0) throw new BadInputException(csv.path() + ": no architecture rows");

        List<String> arch = new ArrayList<>(n);
        Map<String, Integer> index = new HashMap<>(n * 2);
        Map<String, double[]> values = new LinkedHashMap<>();
        metricCols.keySet().forEach(m -> values.put(m, new double[n]));
        for (int r = 0; r < n; r++) {
            int i = csv.index(r, indexCol);
            if (i != r) throw csv.error(r, indexCol, "arch_index " + i + " out of sequence (expected " + r + ")");
            String a = csv.text(r, archCol);
            Integer before = index.putIfAbsent(a, r);
            if (before != null) throw csv.error(r, archCol, "duplicate architecture '" + CsvFile.abbreviate(a) + "' (also on line " + csv.line(before) + ")");
            arch.add(a);
            for (Map.Entry<String, Integer> m : metricCols.entrySet()) {
                double v = csv.number(r, m.getValue());
                if (v < 0 || v > 100) throw csv.error(r, m.getValue(), "accuracy " + csv.cell(r, m.getValue()) + " outside 0..100 %");
                values.get(m.getKey())[r] = v;
            }
        }
        return new AccuracyTable(csv.path(), List.copyOf(arch), Collections.unmodifiableMap(index), Collections.unmodifiableMap(values));
    }

    public Path source() {
        return source;
    }

    /** The metrics this table holds, e.g. {@code cifar10}, {@code cifar100}, {@code imagenet16}. */
    public List<String> metrics() {
        return List.copyOf(byMetric.keySet());
    }

    public int size() {
        return archStrings.size();
    }

    public List<String> archStrings() {
        return archStrings;
    }

    public int indexOf(String arch) {
        Integer i = archIndex.get(arch);
        if (i == null) throw new BadInputException("architecture '" + CsvFile.abbreviate(arch) + "' is not in " + source);
        return i;
    }

    public OptionalInt find(String arch) {
        Integer i = archIndex.get(arch);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** Accuracy in percent of the architecture at {@code archIndex}. */
    public double accuracy(String metric, int archIndex) {
        double[] v = column(metric);
        if (archIndex < 0 || archIndex >= v.length)
            throw new BadInputException("arch index " + archIndex + " out of range 0.." + (v.length - 1) + " in " + source);
        return v[archIndex];
    }

    public double accuracy(String metric, String arch) {
        return accuracy(metric, indexOf(arch));
    }

    /** All accuracies of one metric by arch index (a fresh copy). */
    public double[] accuracies(String metric) {
        return column(metric).clone();
    }

    private double[] column(String metric) {
        double[] v = byMetric.get(metric);
        if (v == null) throw new BadInputException("unknown accuracy metric '" + metric + "' (allowed: " + String.join(", ", byMetric.keySet()) + ")");
        return v;
    }
}
