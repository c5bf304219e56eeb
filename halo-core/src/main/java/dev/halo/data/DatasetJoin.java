package dev.halo.data;

import dev.halo.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Joins latency datasets of one search space on their architectures: the result has every device of every
 * input, over the architectures that all inputs measured, in the row order of the first input (so HELP's
 * row-based pools stay where they were when the first input is a HELP table). Its reference architectures are
 * the first input's; each must be measured by every input.
 *
 * <p>This is how a device that halo measured itself (a few thousand archs) is evaluated against HELP's
 * devices without copying HELP's table anywhere permanent.
 */
public final class DatasetJoin {
    private DatasetJoin() {}

    /** Joins {@code inputs} into a new dataset folder {@code out} (written by {@link DatasetWriter}). */
    public static LatencyDataset join(List<LatencyDataset> inputs, Path out, boolean replace) {
        if (inputs.size() < 2) throw new BadInputException("join needs at least two datasets, got " + inputs.size());
        LatencyDataset first = inputs.get(0);
        Map<String, LatencyDataset> owner = new LinkedHashMap<>();
        for (LatencyDataset d : inputs) {
            if (!d.space().equals(first.space()))
                throw new BadInputException(d.source() + ": space " + d.space() + " differs from " + first.source() + " (" + first.space() + ")");
            for (String device : d.deviceNames()) {
                LatencyDataset before = owner.putIfAbsent(device, d);
                if (before != null) throw new BadInputException("device '" + device + "' is in both " + before.source() + " and " + d.source());
            }
        }
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < first.archCount(); r++) {
            String arch = first.archString(r);
            if (inputs.stream().allMatch(d -> d.find(arch).isPresent())) rows.add(r);
        }
        if (rows.isEmpty()) throw new BadInputException("the datasets share no architecture");
        Map<Integer, Integer> newRow = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) newRow.put(rows.get(i), i);
        int[] reference = first.referenceArchIndices().clone();
        for (int p = 0; p < reference.length; p++) {
            Integer r = newRow.get(reference[p]);
            if (r == null) throw new BadInputException("reference architecture " + first.archString(reference[p]) + " (position " + p
                    + ") is not measured in every dataset");
            reference[p] = r;
        }
        List<String> archs = rows.stream().map(first::archString).toList();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        Map<String, Boolean> integral = new LinkedHashMap<>();
        for (Map.Entry<String, LatencyDataset> e : owner.entrySet()) {
            LatencyDataset d = e.getValue();
            double[] all = d.latencies(e.getKey());
            List<String> text = new ArrayList<>(archs.size());
            boolean ints = true;
            for (String arch : archs) {
                double v = all[d.indexOf(arch)];
                ints &= v == Math.rint(v);
                text.add(DatasetWriter.latencyText(v));
            }
            columns.put(e.getKey(), text);
            integral.put(e.getKey(), ints);
        }
        DatasetWriter.write(out, first.space(), first.keyColumn(), archs, reference, columns, integral, replace);
        return LatencyDataset.load(out, first.space());
    }
}
