package dev.halo.predict.help;

import dev.halo.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One search space's latency benchmark in the form HELP consumes: every architecture encoded for the
 * predictor (row i = arch_index i), the latency of every architecture on every device (ms), and the 10
 * reference architectures of the hardware embedding. Reads the CSV layout of {@code shared/data/help/<space>}.
 */
public record HelpData(String space, HelpEncoder encoder, HelpInputs inputs, Map<String, double[]> latencies, int[] referenceArchs) {

    public double[] latency(String device) {
        double[] l = latencies.get(device);
        if (l == null) throw new BadInputException("device '" + device + "' is not in the " + space + " data (have " + latencies.keySet() + ")");
        return l;
    }

    public HelpNetwork network() {
        return encoder.network();
    }

    public int size() {
        return inputs.size();
    }

    /** Reads {@code dir} (archs.csv, latency.csv, hw_embedding_index.csv) and encodes every arch with {@code encoder}. */
    public static HelpData load(Path dir, HelpEncoder encoder) {
        Path archFile = dir.resolve("archs.csv");
        List<String[]> archs = readCsv(archFile);
        List<dev.halo.space.Architecture> parsed = new ArrayList<>();
        for (int r = 1; r < archs.size(); r++) {
            String[] row = archs.get(r);
            if (row.length < 2 || Integer.parseInt(row[0]) != r - 1)
                throw new BadInputException(archFile + " line " + (r + 1) + ": arch_index " + row[0] + ", expected " + (r - 1));
            parsed.add(encoder.space().parse(row[1]));
        }
        HelpInputs inputs = encoder.encode(parsed);
        String space = encoder.space().name();
        Path latFile = dir.resolve("latency.csv");
        List<String[]> lat = readCsv(latFile);
        String[] lh = lat.get(0);
        int first = 2;
        Map<String, double[]> latencies = new LinkedHashMap<>();
        for (int c = first; c < lh.length; c++) latencies.put(lh[c], new double[lat.size() - 1]);
        for (int r = 1; r < lat.size(); r++) {
            String[] row = lat.get(r);
            if (Integer.parseInt(row[0]) != r - 1) throw new BadInputException(latFile + " line " + (r + 1) + ": arch_index " + row[0] + ", expected " + (r - 1));
            for (int c = first; c < lh.length; c++) {
                try {
                    latencies.get(lh[c])[r - 1] = Double.parseDouble(row[c]);
                } catch (NumberFormatException e) {
                    throw new BadInputException(latFile + " line " + (r + 1) + " column " + lh[c] + ": not a number: " + row[c]);
                }
            }
        }
        if (lat.size() - 1 != inputs.size()) throw new BadInputException(latFile + ": " + (lat.size() - 1) + " rows, archs.csv has " + inputs.size());
        Path refFile = dir.resolve("hw_embedding_index.csv");
        List<String[]> ref = readCsv(refFile);
        int pc = column(refFile, ref.get(0), "position"), ac = column(refFile, ref.get(0), "arch_index");
        int[] reference = new int[ref.size() - 1];
        for (String[] row : ref.subList(1, ref.size())) reference[Integer.parseInt(row[pc])] = Integer.parseInt(row[ac]);
        return new HelpData(space, encoder, inputs, latencies, reference);
    }

    private static int column(Path file, String[] header, String name) {
        int i = Arrays.asList(header).indexOf(name);
        if (i < 0) throw new BadInputException(file + " line 1: no column '" + name + "'");
        return i;
    }

    /** Plain comma-separated rows (the HELP export quotes nothing). */
    private static List<String[]> readCsv(Path file) {
        try {
            List<String[]> rows = new ArrayList<>();
            for (String line : Files.readAllLines(file)) if (!line.isBlank()) rows.add(line.split(",", -1));
            if (rows.isEmpty()) throw new BadInputException(file + ": empty file");
            return rows;
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
    }
}
