package dev.halo.measure;

import dev.halo.BadInputException;
import dev.halo.onnx.Layer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-operator latencies of one device: the median profiled time of every layer signature seen, plus, for each
 * operator type, its time per unit of work, which prices signatures the profiles never contained.
 */
public final class OpLatencyTable {
    /** One table row. */
    public record Entry(String signature, String opType, double ms, long work, int observations) {}

    private final Map<String, Entry> bySignature;
    private final Map<String, Double> msPerWork;

    private OpLatencyTable(Map<String, Entry> bySignature) {
        this.bySignature = Map.copyOf(bySignature);
        Map<String, double[]> acc = new HashMap<>();
        for (Entry e : bySignature.values()) {
            double[] a = acc.computeIfAbsent(e.opType(), k -> new double[2]);
            a[0] += e.ms();
            a[1] += e.work();
        }
        Map<String, Double> rates = new HashMap<>();
        acc.forEach((op, a) -> rates.put(op, a[1] > 0 ? a[0] / a[1] : 0.0));
        this.msPerWork = Map.copyOf(rates);
    }

    /** Builds the table from profiled networks: a signature's latency is the median over all its occurrences. */
    public static OpLatencyTable fromProfiles(List<List<OpProfiler.TimedLayer>> profiles) {
        Map<String, List<Double>> times = new HashMap<>();
        Map<String, Layer> example = new HashMap<>();
        for (List<OpProfiler.TimedLayer> profile : profiles)
            for (OpProfiler.TimedLayer t : profile) {
                times.computeIfAbsent(t.layer().signature(), k -> new ArrayList<>()).add(t.ms());
                example.putIfAbsent(t.layer().signature(), t.layer());
            }
        Map<String, Entry> entries = new HashMap<>();
        times.forEach((sig, list) -> {
            double[] v = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
            Layer l = example.get(sig);
            entries.put(sig, new Entry(sig, l.opType(), median, l.work(), v.length));
        });
        return new OpLatencyTable(entries);
    }

    /** Predicted time of one layer: its signature's entry, else its operator's time per work unit times its work. */
    public double layerMs(Layer layer) {
        Entry e = bySignature.get(layer.signature());
        if (e != null) return e.ms();
        Double rate = msPerWork.get(layer.opType());
        return rate == null ? 0.0 : rate * layer.work();
    }

    /** Whether every layer has an exact entry (no extrapolation by work). */
    public boolean covers(List<Layer> layers) {
        return layers.stream().allMatch(l -> bySignature.containsKey(l.signature()));
    }

    /** Sum of the layers' predicted times, ms. */
    public double networkMs(List<Layer> layers) {
        double sum = 0;
        for (Layer l : layers) sum += layerMs(l);
        return sum;
    }

    public List<Entry> entries() {
        return bySignature.values().stream().sorted((a, b) -> a.signature().compareTo(b.signature())).toList();
    }

    /** Total table time per operator type, ms, by name: the per-op summary a user reads. */
    public Map<String, Double> msByOpType() {
        Map<String, Double> out = new TreeMap<>();
        for (Entry e : bySignature.values()) out.merge(e.opType(), e.ms(), Double::sum);
        return out;
    }

    private static final String HEADER = "op_type\tms\twork\tobservations\tsignature";

    /** Writes the table as TSV (signatures contain commas), atomically. */
    public void write(Path file) {
        List<String> lines = new ArrayList<>(List.of(HEADER));
        for (Entry e : entries())
            lines.add(String.format(Locale.ROOT, "%s\t%.6g\t%d\t%d\t%s", e.opType(), e.ms(), e.work(), e.observations(), e.signature()));
        dev.halo.io.SafeOutput.writeString(file, "--out", String.join("\n", lines) + "\n");
    }

    /** Reads a table written by {@link #write}; a malformed line is a {@link BadInputException} naming it. */
    public static OpLatencyTable read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (lines.isEmpty() || !lines.getFirst().equals(HEADER))
            throw new BadInputException(file + ":1: header must be '" + HEADER.replace("\t", "<TAB>") + "'");
        Map<String, Entry> entries = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            if (f.length != 5) throw new BadInputException(file + ":" + (i + 1) + ": expected 5 tab-separated fields, got " + f.length);
            try {
                entries.put(f[4], new Entry(f[4], f[0], Double.parseDouble(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3])));
            } catch (NumberFormatException e) {
                throw new BadInputException(file + ":" + (i + 1) + ": bad number in " + Arrays.toString(Arrays.copyOf(f, 4)));
            }
        }
        return new OpLatencyTable(entries);
    }
}
