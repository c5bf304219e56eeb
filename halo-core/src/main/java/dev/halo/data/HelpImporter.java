package dev.halo.data;

import dev.halo.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Converts HELP's own data layout ({@code data/<space>/latency/<device>.pt},
 * {@code hardware_embedding_index.pt}, and {@code str_arch2idx.pt} for NAS-Bench-201 or {@code arch.pt}
 * for FBNet) into the CSV layout that {@link LatencyDataset} reads.
 *
 * <p>Latencies are written as the shared CSV export writes them, so that an import reproduces its
 * numbers exactly: Python ints as integers; floats that are exactly float32 values (what most of HELP's
 * lists hold) as the shortest text that rounds to that float32; other floats as the shortest text that
 * rounds to the double. HELP's files carry no device kinds or roles, so {@code devices.csv} has none;
 * its batch size is the name's numeric suffix when that is a power of two ({@code titan_rtx_256} → 256,
 * but {@code gold_6226} is a CPU model number).
 *
 * <p>Output goes to a temporary folder beside {@code out} and is moved into place only when complete.
 */
public final class HelpImporter {
    /** What an import produced. */
    public record Result(Path out, String space, int archCount, List<String> devices, int referenceCount) {}

    private HelpImporter() {}

    /**
     * Imports one space.
     *
     * @param helpData HELP's {@code data/} folder (holding {@code <space>/}) or the space folder itself
     * @param space {@code nasbench201} or {@code fbnet}
     * @param out the dataset folder to create; must not exist (or be empty) unless {@code replace}
     * @param progress receives one line per step (for a progress display); may ignore them
     */
    public static Result importSpace(Path helpData, String space, Path out, boolean replace, Consumer<String> progress) {
        if (!LatencyDataset.SPACES.contains(space))
            throw new BadInputException("unknown search space '" + space + "' (known: " + String.join(", ", LatencyDataset.SPACES) + ")");
        if (space.equals("ofa"))
            throw new BadInputException("importing OFA from HELP's .pt layout is not supported (ofa_archs.pt holds numpy scalars); "
                    + "use the CSV export in the shared data's help/ofa");
        Path dir = spaceFolder(helpData, space);
        out = out.toAbsolutePath().normalize();
        checkOutput(out, replace);

        progress.accept("reading architectures of " + dir);
        List<String> archs = space.equals("nasbench201") ? nasBench201Archs(dir.resolve("str_arch2idx.pt")) : fbnetArchs(dir.resolve("arch.pt"));
        String keyColumn = space.equals("fbnet") ? "op_idx_str" : "arch_str";
        int[] reference = referenceIndices(dir.resolve("hardware_embedding_index.pt"), archs.size());

        Map<String, Path> files = latencyFiles(dir.resolve("latency"));
        Map<String, List<String>> columns = new TreeMap<>();
        Map<String, double[]> values = new TreeMap<>();
        Map<String, Boolean> integral = new TreeMap<>();
        int done = 0;
        for (Map.Entry<String, Path> e : files.entrySet()) {
            progress.accept("reading latency/" + e.getValue().getFileName() + " (" + (++done) + "/" + files.size() + ")");
            List<?> list = latencyList(e.getValue(), archs.size());
            List<String> text = new ArrayList<>(list.size());
            double[] v = new double[list.size()];
            boolean allInts = true;
            for (int i = 0; i < list.size(); i++) {
                Object x = list.get(i);
                text.add(latencyText(x));
                v[i] = Double.parseDouble(text.get(i));
                allInts &= x instanceof Long;
            }
            columns.put(e.getKey(), text);
            values.put(e.getKey(), v);
            integral.put(e.getKey(), allInts);
        }

        progress.accept("writing " + out);
        Path tmp = temporaryBeside(out);
        try {
            writeLatency(tmp.resolve(LatencyDataset.LATENCY_FILE), keyColumn, archs, columns);
            writeArchs(tmp.resolve(LatencyDataset.ARCHS_FILE), keyColumn, archs, reference);
            writeReferences(tmp.resolve(LatencyDataset.HW_EMBEDDING_FILE), keyColumn, archs, reference, columns);
            writeDevices(tmp.resolve(LatencyDataset.DEVICES_FILE), values, integral);
            // Read back what was written: the import is only done if the loader accepts it.
            LatencyDataset.load(tmp, space);
            moveIntoPlace(tmp, out, replace);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("writing " + out + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        return new Result(out, space, archs.size(), List.copyOf(columns.keySet()), reference.length);
    }

    private static Path spaceFolder(Path helpData, String space) {
        if (Files.isDirectory(helpData.resolve(space).resolve("latency"))) return helpData.resolve(space);
        if (Files.isDirectory(helpData.resolve("latency"))) return helpData;
        throw new BadInputException(helpData + ": no latency/ folder here or in " + space + "/ (expected HELP's data/ layout: data/"
                + space + "/latency/<device>.pt)");
    }

    private static void checkOutput(Path out, boolean replace) {
        if (!Files.exists(out) || replace) {
            if (Files.exists(out) && !Files.isDirectory(out)) throw new BadInputException(out + ": exists and is not a folder");
            return;
        }
        if (!Files.isDirectory(out)) throw new BadInputException(out + ": exists and is not a folder");
        try (Stream<Path> s = Files.list(out)) {
            if (s.findAny().isPresent()) throw new BadInputException(out + ": folder exists and is not empty (choose another, or replace it: --replace)");
        } catch (IOException e) {
            throw new BadInputException(out + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static List<String> nasBench201Archs(Path file) {
        Object o = TorchFile.read(file);
        if (!(o instanceof Map<?, ?> m) || m.isEmpty()) throw new BadInputException(file + ": expected a dict of arch string -> index");
        String[] byIndex = new String[m.size()];
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String arch) || arch.isEmpty() || arch.contains(",") || arch.contains("\"") || arch.contains("\n"))
                throw new BadInputException(file + ": key " + Texts.shown(String.valueOf(e.getKey())) + " is not an arch string");
            if (!(e.getValue() instanceof Long idx) || idx < 0 || idx >= byIndex.length)
                throw new BadInputException(file + ": index of '" + Texts.shown(arch) + "' is " + Texts.shown(String.valueOf(e.getValue()))
                        + ", expected 0.." + (byIndex.length - 1));
            int i = (int) (long) idx;
            if (byIndex[i] != null) throw new BadInputException(file + ": index " + i + " used twice ('" + Texts.shown(byIndex[i]) + "', '" + Texts.shown(arch) + "')");
            byIndex[i] = arch;
        }
        return List.of(byIndex);
    }

    static List<String> fbnetArchs(Path file) {
        Object o = TorchFile.read(file);
        if (!(o instanceof List<?> list) || list.isEmpty()) throw new BadInputException(file + ": expected a list of op-index lists");
        List<String> archs = new ArrayList<>(list.size());
        for (int a = 0; a < list.size(); a++) {
            if (!(list.get(a) instanceof List<?> ops) || ops.isEmpty())
                throw new BadInputException(file + ": entry " + a + " is not a list of op indices");
            StringBuilder s = new StringBuilder(ops.size());
            for (int l = 0; l < ops.size(); l++) {
                if (!(ops.get(l) instanceof Long op) || op < 0 || op > 8)
                    throw new BadInputException(file + ": entry " + a + ", layer " + l + ": op index " + Texts.shown(String.valueOf(ops.get(l)))
                            + " is not one of 0..8");
                s.append((char) ('0' + op));
            }
            archs.add(s.toString());
        }
        return archs;
    }

    static int[] referenceIndices(Path file, int archCount) {
        Object o = TorchFile.read(file);
        if (!(o instanceof List<?> list) || list.isEmpty()) throw new BadInputException(file + ": expected a list of arch indices");
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long idx) || idx < 0 || idx >= archCount)
                throw new BadInputException(file + ": position " + i + ": " + Texts.shown(String.valueOf(list.get(i))) + " is not an arch index 0.." + (archCount - 1));
            out[i] = (int) (long) idx;
        }
        return out;
    }

    private static Map<String, Path> latencyFiles(Path dir) {
        Map<String, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.pt")) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                name = name.substring(0, name.length() - 3);
                if (!name.matches("[A-Za-z0-9_.-]+")) throw new BadInputException(p + ": device name '" + Texts.shown(name) + "' has characters other than letters, digits, _ . -");
                if (name.equals("arch_index") || LatencyDataset.KEY_COLUMNS.contains(name) || name.equals("position"))
                    throw new BadInputException(p + ": device name '" + name + "' clashes with a column name");
                files.put(name, p);
            }
        } catch (IOException e) {
            throw new BadInputException(dir + ": cannot list (" + e.getMessage() + ")");
        }
        if (files.isEmpty()) throw new BadInputException(dir + ": no <device>.pt files");
        return files;
    }

    private static List<?> latencyList(Path file, int archCount) {
        Object o = TorchFile.read(file);
        if (!(o instanceof List<?> list)) throw new BadInputException(file + ": expected a list of latencies");
        if (list.size() != archCount)
            throw new BadInputException(file + ": " + list.size() + " latencies, but the space has " + archCount + " architectures");
        for (int i = 0; i < list.size(); i++) {
            Object x = list.get(i);
            double v = x instanceof Long l ? l : x instanceof Double d ? d : Double.NaN;
            if (!(v > 0) || Double.isInfinite(v))
                throw new BadInputException(file + ": position " + i + ": latency " + Texts.shown(String.valueOf(x)) + " is not a positive finite number");
        }
        return list;
    }

    /** The CSV text of one latency (see the class comment). */
    static String latencyText(Object value) {
        if (value instanceof Long l) return Long.toString(l);
        double d = (Double) value;
        float f = (float) d;
        String shortest = (double) f == d ? Float.toString(f) : Double.toString(d);
        return shortest.indexOf('E') >= 0 ? new BigDecimal(shortest).toPlainString() : shortest;
    }

    private static void writeLatency(Path file, String key, List<String> archs, Map<String, List<String>> columns) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("arch_index," + key);
            for (String d : columns.keySet()) w.write("," + d);
            w.write("\n");
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < archs.size(); i++) {
                line.setLength(0);
                line.append(i).append(',').append(archs.get(i));
                for (List<String> c : columns.values()) line.append(',').append(c.get(i));
                w.write(line.append('\n').toString());
            }
        }
    }

    private static void writeArchs(Path file, String key, List<String> archs, int[] reference) throws IOException {
        int[] position = new int[archs.size()];
        java.util.Arrays.fill(position, -1);
        for (int p = 0; p < reference.length; p++) position[reference[p]] = p;
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("arch_index," + key + ",hw_emb_position\n");
            for (int i = 0; i < archs.size(); i++) w.write(i + "," + archs.get(i) + "," + (position[i] < 0 ? "" : position[i]) + "\n");
        }
    }

    private static void writeReferences(Path file, String key, List<String> archs, int[] reference, Map<String, List<String>> columns) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("position,arch_index," + key);
            for (String d : columns.keySet()) w.write("," + d);
            w.write("\n");
            for (int p = 0; p < reference.length; p++) {
                int a = reference[p];
                StringBuilder line = new StringBuilder().append(p).append(',').append(a).append(',').append(archs.get(a));
                for (List<String> c : columns.values()) line.append(',').append(c.get(a));
                w.write(line.append('\n').toString());
            }
        }
    }

    private static void writeDevices(Path file, Map<String, double[]> values, Map<String, Boolean> integral) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("device,batch_size_from_name,n_archs,value_type,min_ms,median_ms,max_ms\n");
            for (Map.Entry<String, double[]> e : values.entrySet()) {
                LatencyStats s = LatencyStats.of(e.getValue());
                w.write(String.join(",", e.getKey(), batchFromName(e.getKey()), Integer.toString(s.count()),
                        integral.get(e.getKey()) ? "int" : "float", Double.toString(s.min()), Double.toString(s.median()), Double.toString(s.max())) + "\n");
            }
        }
    }

    /** The numeric name suffix if it is a power of two (a batch size), else empty. */
    static String batchFromName(String device) {
        int cut = device.lastIndexOf('_');
        if (cut < 0) return "";
        String suffix = device.substring(cut + 1);
        if (!suffix.matches("[0-9]{1,5}")) return "";
        int b = Integer.parseInt(suffix);
        return b > 0 && Integer.bitCount(b) == 1 ? suffix : "";
    }

    private static Path temporaryBeside(Path out) {
        try {
            Path parent = out.getParent();
            Files.createDirectories(parent);
            // Not Files.createTempDirectory: its owner-only permissions would stay on the published folder.
            for (int attempt = 0; ; attempt++) {
                Path tmp = parent.resolve("." + out.getFileName() + ".importing-" + Long.toHexString(System.nanoTime()));
                try {
                    return Files.createDirectory(tmp);
                } catch (FileAlreadyExistsException e) {
                    if (attempt == 10) throw e;
                }
            }
        } catch (IOException e) {
            throw new BadInputException(out + ": cannot create a folder beside it (" + e.getMessage() + ")");
        }
    }

    private static void moveIntoPlace(Path tmp, Path out, boolean replace) throws IOException {
        Path old = null;
        if (Files.exists(out)) {
            if (replace) {
                old = out.resolveSibling("." + out.getFileName() + ".replaced-" + System.nanoTime());
                Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.delete(out); // checked empty before the import began
            }
        }
        try {
            Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new BadInputException(out + ": appeared while importing; not replaced");
        }
        if (old != null) deleteQuietly(old);
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: a leftover hidden temp folder is harmless.
        }
    }
}
