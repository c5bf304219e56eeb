package dev.halo.data;

import dev.halo.BadInputException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The hardware-embedding reference architectures of a dataset folder ({@code hw_embedding_index.csv}), in
 * {@code position} order, read without loading the whole latency table: adapting a model to a new device
 * needs the device's latencies of exactly these architectures.
 */
public final class ReferenceArchs {
    private ReferenceArchs() {}

    /** Architecture strings (the dataset's key column: {@code arch_str} or {@code op_idx_str}) by position. */
    public static List<String> read(Path datasetDir) {
        CsvFile csv = CsvFile.read(datasetDir.resolve(LatencyDataset.HW_EMBEDDING_FILE));
        int pos = csv.requireColumn("position");
        int key = csv.column("arch_str").isPresent() ? csv.requireColumn("arch_str") : csv.requireColumn("op_idx_str");
        if (csv.rowCount() == 0) throw new BadInputException(csv.path() + ": no reference architectures");
        String[] byPosition = new String[csv.rowCount()];
        for (int r = 0; r < csv.rowCount(); r++) {
            int p = csv.index(r, pos);
            if (p >= byPosition.length) throw csv.error(r, pos, "position " + p + " out of range 0.." + (byPosition.length - 1));
            if (byPosition[p] != null) throw csv.error(r, pos, "duplicate position " + p);
            byPosition[p] = csv.text(r, key);
        }
        return Arrays.asList(byPosition);
    }
}
