package dev.halo.data;

import dev.halo.BadInputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

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
 * <p>Output is written by {@link DatasetWriter}: complete and validated, or not at all.
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
        DatasetWriter.checkOutput(out, replace);

        progress.accept("reading architectures of " + dir);
        List<String> archs = space.equals("nasbench201") ? nasBench201Archs(dir.resolve("str_arch2idx.pt")) : fbnetArchs(dir.resolve("arch.pt"));
        String keyColumn = space.equals("fbnet") ? "op_idx_str" : "arch_str";
        HelpImportValidation.archs(dir.resolve(space.equals("nasbench201") ? "str_arch2idx.pt" : "arch.pt"), space, archs);
        int[] reference = referenceIndices(dir.resolve("hardware_embedding_index.pt"), archs.size());
        HelpImportValidation.references(dir.resolve("hardware_embedding_index.pt"), reference);

        Map<String, Path> files = latencyFiles(dir.resolve("latency"));
        Map<String, List<String>> columns = new TreeMap<>();
        Map<String, Boolean> integral = new TreeMap<>();
        int done = 0;
        for (Map.Entry<String, Path> e : files.entrySet()) {
            progress.accept("reading latency/" + e.getValue().getFileName() + " (" + (++done) + "/" + files.size() + ")");
            List<?> list = latencyList(e.getValue(), archs.size());
            List<String> text = new ArrayList<>(list.size());
            boolean allInts = true;
            for (int i = 0; i < list.size(); i++) {
                Object x = list.get(i);
                text.add(latencyText(x));
                allInts &= x instanceof Long;
            }
            columns.put(e.getKey(), text);
            integral.put(e.getKey(), allInts);
        }

        progress.accept("writing " + out);
        DatasetWriter.write(out, space, keyColumn, archs, reference, columns, integral, replace);
        return new Result(out, space, archs.size(), List.copyOf(columns.keySet()), reference.length);
    }

    private static Path spaceFolder(Path helpData, String space) {
        if (Files.isDirectory(helpData.resolve(space).resolve("latency"))) return helpData.resolve(space);
        if (Files.isDirectory(helpData.resolve("latency"))) return helpData;
        throw new BadInputException(helpData + ": no latency/ folder here or in " + space + "/ (expected HELP's data/ layout: data/"
                + space + "/latency/<device>.pt)");
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

    /** The CSV text of one latency (see the class comment): Python ints as integers, floats as decimals. */
    static String latencyText(Object value) {
        return value instanceof Long l ? Long.toString(l) : DatasetWriter.decimalText((Double) value);
    }
}
