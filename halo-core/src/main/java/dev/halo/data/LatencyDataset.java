package dev.halo.data;

import dev.halo.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A table of measured latencies (architecture × device, milliseconds) in the CSV layout of the shared
 * data's {@code help/<space>/} folders, read strictly: any malformed cell is a {@link BadInputException}
 * naming the file, line and column.
 *
 * <p>Files of a dataset folder:
 * <ul>
 *   <li>{@code latency.csv} (required): {@code arch_index} (must equal the row position 0, 1, 2, ...), an
 *       architecture key column ({@code arch_str}, or {@code op_idx_str} for FBNet), then one column per
 *       device with positive finite latencies.</li>
 *   <li>{@code hw_embedding_index.csv} (required): {@code position}, {@code arch_index} of the reference
 *       architectures whose latencies form HELP's hardware embedding; device columns, where present, must
 *       agree with {@code latency.csv}.</li>
 *   <li>{@code devices.csv} (optional): {@code device} plus optional {@code device_type},
 *       {@code batch_size_from_name}, {@code help_default_role}; if present it must list exactly the
 *       devices of {@code latency.csv}.</li>
 *   <li>{@code archs.csv} (optional): {@code arch_index} and the same key column; if present it must list
 *       the same architectures in the same order.</li>
 * </ul>
 *
 * <p>The search space is taken from the key column and the form of the architecture strings
 * ({@code op_idx_str} → fbnet, {@code |op~0|+...} → nasbench201, {@code r224_d...} → ofa), else from the
 * folder's name; {@link #load(Path, String)} states it explicitly.
 */
public final class LatencyDataset {
    public static final List<String> SPACES = List.of("nasbench201", "fbnet", "ofa");
    public static final String LATENCY_FILE = "latency.csv";
    public static final String HW_EMBEDDING_FILE = "hw_embedding_index.csv";
    public static final String DEVICES_FILE = "devices.csv";
    public static final String ARCHS_FILE = "archs.csv";
    static final List<String> KEY_COLUMNS = List.of("arch_str", "op_idx_str");

    private final Path source;
    private final String space;
    private final String keyColumn;
    private final List<String> archStrings;
    private final Map<String, Integer> archIndex;
    private final Map<String, Device> devices;
    private final Map<String, double[]> latencies;
    private final int[] referenceArchs;

    private LatencyDataset(Path source, String space, String keyColumn, List<String> archStrings, Map<String, Integer> archIndex,
                           Map<String, Device> devices, Map<String, double[]> latencies, int[] referenceArchs) {
        this.source = source;
        this.space = space;
        this.keyColumn = keyColumn;
        this.archStrings = archStrings;
        this.archIndex = archIndex;
        this.devices = devices;
        this.latencies = latencies;
        this.referenceArchs = referenceArchs;
    }

    /** Loads a dataset folder, recognising its search space from the contents (or the folder name). */
    public static LatencyDataset load(Path dir) {
        return load(dir, null);
    }

    /**
     * Loads a dataset folder of the given search space ({@code nasbench201}, {@code fbnet}, {@code ofa});
     * {@code null} recognises it as {@link #load(Path)} does.
     */
    public static LatencyDataset load(Path dir, String space) {
        if (space != null && !SPACES.contains(space))
            throw new BadInputException("unknown search space '" + space + "' (known: " + String.join(", ", SPACES) + ")");
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": no such dataset folder");
        Path source = dir.toAbsolutePath().normalize();

        CsvFile lat = CsvFile.read(source.resolve(LATENCY_FILE));
        int indexCol = lat.requireColumn("arch_index");
        int keyCol = keyColumn(lat);
        String keyName = lat.header().get(keyCol);
        int n = lat.rowCount();
        if (n == 0) throw new BadInputException(lat.path() + ": no architecture rows");

        List<String> arch = new ArrayList<>(n);
        Map<String, Integer> archIndex = new HashMap<>(n * 2);
        for (int r = 0; r < n; r++) {
            int idx = lat.index(r, indexCol);
            if (idx != r) throw lat.error(r, indexCol, "arch_index " + idx + " out of sequence (expected " + r + ": rows are arch 0, 1, 2, ...)");
            String key = lat.text(r, keyCol);
            Integer before = archIndex.putIfAbsent(key, r);
            if (before != null) throw lat.error(r, keyCol, "duplicate architecture '" + CsvFile.abbreviate(key) + "' (also on line " + lat.line(before) + ")");
            arch.add(key);
        }

        Map<String, double[]> values = new LinkedHashMap<>();
        for (int c = 0; c < lat.header().size(); c++) {
            if (c == indexCol || c == keyCol) continue;
            double[] column = new double[n];
            for (int r = 0; r < n; r++) {
                double v = lat.number(r, c);
                if (!(v > 0)) throw lat.error(r, c, "latency must be positive, got " + lat.cell(r, c));
                column[r] = v;
            }
            values.put(lat.header().get(c), column);
        }
        if (values.isEmpty()) throw new BadInputException(lat.path() + " line 1: no device columns (header: " + String.join(",", lat.header()) + ")");

        String resolvedSpace = space != null ? space : detectSpace(source, keyName, arch.get(0));

        Path archsFile = source.resolve(ARCHS_FILE);
        if (Files.exists(archsFile)) checkArchs(CsvFile.read(archsFile), keyName, arch);

        Map<String, Device> devices = readDevices(source.resolve(DEVICES_FILE), values);
        int[] reference = readReferences(CsvFile.read(source.resolve(HW_EMBEDDING_FILE)), keyName, arch, values);

        return new LatencyDataset(source, resolvedSpace, keyName, List.copyOf(arch), Collections.unmodifiableMap(archIndex),
                Collections.unmodifiableMap(devices), values, reference);
    }

    private static int keyColumn(CsvFile lat) {
        int found = -1;
        for (String k : KEY_COLUMNS) {
            OptionalInt c = lat.column(k);
            if (c.isEmpty()) continue;
            if (found >= 0) throw new BadInputException(lat.path() + " line 1: both 'arch_str' and 'op_idx_str' columns; expected one architecture key column");
            found = c.getAsInt();
        }
        if (found < 0)
            throw new BadInputException(lat.path() + " line 1: missing architecture column 'arch_str' (or 'op_idx_str' for FBNet) (header: "
                    + String.join(",", lat.header()) + ")");
        return found;
    }

    /** The space named by the architecture strings' form, else by the folder name. */
    static String detectSpace(Path dir, String keyColumn, String firstArch) {
        if (keyColumn.equals("op_idx_str")) return "fbnet";
        if (firstArch.startsWith("|") && firstArch.contains("~")) return "nasbench201";
        if (firstArch.matches("r\\d+_d\\d+_ks\\d+_e\\d+")) return "ofa";
        Path name = dir.getFileName();
        if (name != null && SPACES.contains(name.toString())) return name.toString();
        throw new BadInputException(dir + ": cannot tell the search space from architecture '" + CsvFile.abbreviate(firstArch)
                + "' or the folder name; state it (--space " + String.join("|", SPACES) + ")");
    }

    private static void checkArchs(CsvFile archs, String keyName, List<String> arch) {
        int idx = archs.requireColumn("arch_index");
        int key = archs.requireColumn(keyName);
        if (archs.rowCount() != arch.size())
            throw new BadInputException(archs.path() + ": " + archs.rowCount() + " architecture rows, but " + LATENCY_FILE + " has " + arch.size());
        for (int r = 0; r < archs.rowCount(); r++) {
            int i = archs.index(r, idx);
            if (i != r) throw archs.error(r, idx, "arch_index " + i + " out of sequence (expected " + r + ")");
            if (!archs.cellEquals(r, key, arch.get(r)))
                throw archs.error(r, key, "'" + CsvFile.abbreviate(archs.cell(r, key)) + "' differs from " + LATENCY_FILE + " ('"
                        + CsvFile.abbreviate(arch.get(r)) + "')");
        }
    }

    private static Map<String, Device> readDevices(Path file, Map<String, double[]> values) {
        Map<String, Device> devices = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            values.forEach((name, v) -> devices.put(name, new Device(name, "", OptionalInt.empty(), "", LatencyStats.of(v))));
            return devices;
        }
        CsvFile csv = CsvFile.read(file);
        int nameCol = csv.requireColumn("device");
        OptionalInt kindCol = csv.column("device_type");
        OptionalInt batchCol = csv.column("batch_size_from_name");
        OptionalInt roleCol = csv.column("help_default_role");
        Map<String, Integer> rowOf = new HashMap<>();
        for (int r = 0; r < csv.rowCount(); r++) {
            String name = csv.text(r, nameCol);
            if (!values.containsKey(name)) throw csv.error(r, nameCol, "device '" + name + "' has no column in " + LATENCY_FILE);
            Integer before = rowOf.putIfAbsent(name, r);
            if (before != null) throw csv.error(r, nameCol, "duplicate device '" + name + "' (also on line " + csv.line(before) + ")");
        }
        for (String name : values.keySet()) {
            Integer r = rowOf.get(name);
            if (r == null) throw new BadInputException(csv.path() + ": no row for device '" + name + "' of " + LATENCY_FILE);
            String kind = kindCol.isPresent() ? csv.cell(r, kindCol.getAsInt()) : "";
            String role = roleCol.isPresent() ? csv.cell(r, roleCol.getAsInt()) : "";
            OptionalInt batch = OptionalInt.empty();
            if (batchCol.isPresent() && !csv.cell(r, batchCol.getAsInt()).isEmpty()) {
                int b = csv.index(r, batchCol.getAsInt());
                if (b == 0) throw csv.error(r, batchCol.getAsInt(), "batch size must be at least 1");
                batch = OptionalInt.of(b);
            }
            devices.put(name, new Device(name, kind, batch, role, LatencyStats.of(values.get(name))));
        }
        return devices;
    }

    private static int[] readReferences(CsvFile csv, String keyName, List<String> arch, Map<String, double[]> values) {
        int posCol = csv.requireColumn("position");
        int idxCol = csv.requireColumn("arch_index");
        OptionalInt keyCol = csv.column(keyName);
        int k = csv.rowCount();
        if (k == 0) throw new BadInputException(csv.path() + ": no reference architectures");
        int[] reference = new int[k];
        int[] rowOfPosition = new int[k];
        Arrays.fill(reference, -1);
        for (int r = 0; r < k; r++) {
            int pos = csv.index(r, posCol);
            if (pos >= k) throw csv.error(r, posCol, "position " + pos + " out of range 0.." + (k - 1));
            if (reference[pos] >= 0) throw csv.error(r, posCol, "duplicate position " + pos + " (also on line " + csv.line(rowOfPosition[pos]) + ")");
            int idx = csv.index(r, idxCol);
            if (idx >= arch.size()) throw csv.error(r, idxCol, "arch_index " + idx + " out of range 0.." + (arch.size() - 1));
            if (keyCol.isPresent() && !csv.cell(r, keyCol.getAsInt()).equals(arch.get(idx)))
                throw csv.error(r, keyCol.getAsInt(), "'" + CsvFile.abbreviate(csv.cell(r, keyCol.getAsInt())) + "' differs from architecture "
                        + idx + " of " + LATENCY_FILE + " ('" + CsvFile.abbreviate(arch.get(idx)) + "')");
            // A device column here is a copy of latency.csv; a mismatch means the two files come from different data.
            for (Map.Entry<String, double[]> e : values.entrySet()) {
                OptionalInt c = csv.column(e.getKey());
                if (c.isEmpty()) continue;
                double v = csv.number(r, c.getAsInt());
                if (v != e.getValue()[idx])
                    throw csv.error(r, c.getAsInt(), v + " differs from " + LATENCY_FILE + " (" + e.getValue()[idx] + " for arch " + idx + ")");
            }
            reference[pos] = idx;
            rowOfPosition[pos] = r;
        }
        return reference;
    }

    /** {@code nasbench201}, {@code fbnet} or {@code ofa}. */
    public String space() {
        return space;
    }

    /** The dataset folder (absolute). */
    public Path source() {
        return source;
    }

    /** The architecture key column: {@code arch_str}, or {@code op_idx_str} for FBNet. */
    public String keyColumn() {
        return keyColumn;
    }

    public int archCount() {
        return archStrings.size();
    }

    /** Architecture strings by arch index ({@code arch_str}, or FBNet's {@code op_idx_str}). */
    public List<String> archStrings() {
        return archStrings;
    }

    public String archString(int index) {
        return archStrings.get(index);
    }

    /** The arch index of an architecture string; a {@link BadInputException} if the dataset does not hold it. */
    public int indexOf(String archString) {
        Integer i = archIndex.get(archString);
        if (i == null) throw new BadInputException("architecture '" + CsvFile.abbreviate(archString) + "' is not in dataset " + source);
        return i;
    }

    /** The arch index of an architecture string, or empty if the dataset does not hold it. */
    public OptionalInt find(String archString) {
        Integer i = archIndex.get(archString);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** Devices in {@code latency.csv} column order. */
    public List<Device> devices() {
        return List.copyOf(devices.values());
    }

    /** Devices whose {@code help_default_role} is {@code role} ({@code meta_train}, {@code meta_valid}, {@code meta_test}), in column order. */
    public List<Device> devicesWithRole(String role) {
        return devices.values().stream().filter(d -> d.helpRole().equals(role)).toList();
    }

    public Set<String> deviceNames() {
        return devices.keySet();
    }

    public boolean hasDevice(String name) {
        return devices.containsKey(name);
    }

    /** The device of that name, or a {@link BadInputException} listing the known names. */
    public Device device(String name) {
        Device d = devices.get(name);
        if (d == null)
            throw new BadInputException("unknown device '" + name + "' in " + source + " (known: " + String.join(", ", devices.keySet()) + ")");
        return d;
    }

    /** Latencies of one device by arch index, in ms, exactly as the CSV gives them (a fresh copy). */
    public double[] latencies(String device) {
        device(device);
        return latencies.get(device).clone();
    }

    /** One latency, in ms. */
    public double latency(String device, int archIndex) {
        device(device);
        return latencies.get(device)[archIndex];
    }

    /**
     * Latencies rounded to float32, as HELP holds them ({@code torch.FloatTensor}); protocol code that
     * must reproduce HELP's numbers (normalisation bounds, ties) should use these.
     */
    public float[] latenciesFloat32(String device) {
        device(device);
        double[] v = latencies.get(device);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    /** Arch indices of the hardware-embedding reference architectures, in {@code position} order (a fresh copy). */
    public int[] referenceArchIndices() {
        return referenceArchs.clone();
    }

    /** The device's latencies on the reference architectures, in {@code position} order (HELP's raw hardware embedding). */
    public double[] referenceLatencies(String device) {
        device(device);
        double[] v = latencies.get(device);
        double[] out = new double[referenceArchs.length];
        for (int i = 0; i < out.length; i++) out[i] = v[referenceArchs[i]];
        return out;
    }

    @Override
    public String toString() {
        return "LatencyDataset[" + space + ", " + archCount() + " archs × " + devices.size() + " devices, " + source + "]";
    }
}
