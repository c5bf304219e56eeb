package dev.halo.data;

import dev.halo.BadInputException;
import dev.halo.io.Leftovers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a dataset folder in the CSV layout that {@link LatencyDataset} reads (latency.csv, archs.csv,
 * hw_embedding_index.csv, devices.csv). Output goes to a temporary folder beside {@code out}, is loaded back
 * to prove the loader accepts it, and only then moved into place: a failed write leaves nothing behind.
 */
public final class DatasetWriter {
    private DatasetWriter() {}

    /**
     * @param archs architecture strings by row
     * @param reference rows of the hardware-embedding reference architectures, in position order
     * @param columns per device (in output order), the latency text of every row
     * @param integral per device, whether its values are integers (devices.csv {@code value_type})
     * @param replace whether an existing non-empty {@code out} may be replaced
     */
    public static void write(Path out, String space, String keyColumn, List<String> archs, int[] reference,
            Map<String, List<String>> columns, Map<String, Boolean> integral, boolean replace) {
        out = out.toAbsolutePath().normalize();
        checkOutput(out, replace);
        Path tmp = temporaryBeside(out);
        try {
            writeLatency(tmp.resolve(LatencyDataset.LATENCY_FILE), keyColumn, archs, columns);
            writeArchs(tmp.resolve(LatencyDataset.ARCHS_FILE), keyColumn, archs, reference);
            writeReferences(tmp.resolve(LatencyDataset.HW_EMBEDDING_FILE), keyColumn, archs, reference, columns);
            writeDevices(tmp.resolve(LatencyDataset.DEVICES_FILE), columns, integral);
            LatencyDataset.load(tmp, space);
            moveIntoPlace(tmp, out, replace);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("writing " + out + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    static void checkOutput(Path out, boolean replace) {
        restoreReplaced(out);
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


    /** A replace killed between its two renames left the old dataset aside and none in place: put the old one back. */
    private static void restoreReplaced(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        for (Path old : Leftovers.stale(parent, out.getFileName().toString(), "replaced")) {
            try {
                Files.move(old, out, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (IOException e) {
                // try the next; the rest is cleaned before the next import
            }
        }
    }

    /** A latency as CSV text: whole numbers as integers, others as {@link #decimalText(double)}. */
    public static String latencyText(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return decimalText(value);
    }

    /**
     * The shortest decimal text that reads back as the same value: float32 values (what HELP's tables hold) as
     * their shortest float text, other doubles as their shortest double text; never in exponent notation.
     */
    public static String decimalText(double value) {
        float f = (float) value;
        String shortest = (double) f == value ? Float.toString(f) : Double.toString(value);
        return shortest.indexOf('E') >= 0 ? new java.math.BigDecimal(shortest).toPlainString() : shortest;
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


    private static void writeDevices(Path file, Map<String, List<String>> columns, Map<String, Boolean> integral) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("device,batch_size_from_name,n_archs,value_type,min_ms,median_ms,max_ms\n");
            for (Map.Entry<String, List<String>> e : columns.entrySet()) {
                LatencyStats s = LatencyStats.of(e.getValue().stream().mapToDouble(Double::parseDouble).toArray());
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
            // a killed import left its folder behind: its process is dead, so remove it now
            Leftovers.clean(parent, out.getFileName().toString(), "importing");
            Leftovers.clean(parent, out.getFileName().toString(), "replaced");
            for (int attempt = 0; ; attempt++) {
                Path tmp = Leftovers.sibling(out, "importing");
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
                old = Leftovers.sibling(out, "replaced");
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
        dev.halo.io.Leftovers.deleteRecursively(dir); // best effort: a leftover hidden temp folder is harmless
    }
}
