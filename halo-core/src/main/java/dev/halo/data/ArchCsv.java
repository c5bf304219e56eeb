package dev.halo.data;

import dev.halo.BadInputException;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The user's own architecture files, read strictly: every error names the file, the line and the column.
 * <ul>
 *   <li>sample files: columns {@code arch} and {@code latency_ms} (others ignored), one measured
 *       architecture per row, latencies positive and finite, no architecture twice;</li>
 *   <li>architecture lists: a column {@code arch} (others ignored), as {@code halo arch sample --format csv} writes.</li>
 * </ul>
 * Architectures may be written in any form the space parses; duplicates are found on the canonical form.
 */
public final class ArchCsv {
    public static final String ARCH = "arch";
    public static final String LATENCY = "latency_ms";

    private ArchCsv() {}

    /** One measured row; {@code line} is the 1-based line in the file. */
    public record Sample(int line, Architecture arch, double ms) {}

    public static List<Sample> samples(Path file, SearchSpace<?> space) {
        CsvFile csv = CsvFile.read(file);
        int a = csv.requireColumn(ARCH), l = csv.requireColumn(LATENCY);
        if (csv.rowCount() == 0) throw new BadInputException(file + ": no samples (only a header line)");
        List<Sample> out = new ArrayList<>(csv.rowCount());
        Map<String, Integer> seen = new HashMap<>();
        for (int r = 0; r < csv.rowCount(); r++) {
            Architecture arch = parse(csv, r, a, space);
            Integer before = seen.putIfAbsent(arch.canonical(), r);
            if (before != null) throw csv.error(r, a, "duplicate architecture " + arch.canonical() + " (also on line " + csv.line(before) + ")");
            double ms = csv.number(r, l);
            if (!(ms > 0)) throw csv.error(r, l, "latency must be positive, got " + csv.cell(r, l));
            if (!(ms >= dev.halo.io.Limits.MIN_LATENCY_MS && ms <= dev.halo.io.Limits.MAX_LATENCY_MS))
                throw csv.error(r, l, "latency " + csv.cell(r, l) + " ms is outside the plausible range [" + dev.halo.io.Limits.MIN_LATENCY_MS + ", "
                        + dev.halo.io.Limits.MAX_LATENCY_MS + "] ms");
            out.add(new Sample(csv.line(r), arch, ms));
        }
        return List.copyOf(out);
    }

    public static List<Architecture> archs(Path file, SearchSpace<?> space) {
        CsvFile csv = CsvFile.read(file);
        if (csv.column(ARCH).isEmpty())
            throw new BadInputException(file + " line 1: missing column '" + ARCH + "' (an architecture list is a CSV with an 'arch' column,"
                    + " e.g. from 'halo arch sample --format csv')");
        int a = csv.requireColumn(ARCH);
        if (csv.rowCount() == 0) throw new BadInputException(file + ": no architectures (only a header line)");
        List<Architecture> out = new ArrayList<>(csv.rowCount());
        for (int r = 0; r < csv.rowCount(); r++) out.add(parse(csv, r, a, space));
        return out;
    }

    /**
     * The first space (in {@link Spaces#all()} order) whose parser accepts the first row's {@code arch}, or
     * empty when none does or the file has no such row; the caller then reads the file with an explicit space.
     */
    public static java.util.Optional<SearchSpace<?>> spaceOfFirstArch(Path file) {
        CsvFile csv = CsvFile.read(file);
        if (csv.column(ARCH).isEmpty() || csv.rowCount() == 0) return java.util.Optional.empty();
        String text = csv.cell(0, csv.requireColumn(ARCH));
        return Spaces.all().stream().filter(s -> parses(s, text)).<SearchSpace<?>>map(s -> s).findFirst();
    }

    /** The architecture in a cell; a string of another space says so rather than quoting the parser's complaint. */
    static Architecture parse(CsvFile csv, int row, int col, SearchSpace<?> space) {
        String text = csv.text(row, col);
        try {
            return space.parse(text);
        } catch (BadInputException e) {
            for (SearchSpace<?> other : Spaces.all())
                if (!other.name().equals(space.name()) && parses(other, text))
                    throw csv.error(row, col, "a " + other.name() + " architecture, but the model is for " + space.name());
            throw csv.error(row, col, e.getMessage());
        }
    }

    private static boolean parses(SearchSpace<?> space, String text) {
        try {
            space.parse(text);
            return true;
        } catch (BadInputException e) {
            return false;
        }
    }
}
