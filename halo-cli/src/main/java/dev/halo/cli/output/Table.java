package dev.halo.cli.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small result table that prints as aligned text, CSV or JSON (a list of objects keyed by column).
 * Cells are kept as objects so that JSON keeps numbers as numbers.
 */
public final class Table {
    private final List<String> columns;
    private final List<List<Object>> rows = new ArrayList<>();

    public Table(String... columns) {
        this.columns = List.of(columns);
    }

    public Table(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    public Table row(Object... cells) {
        if (cells.length != columns.size())
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns.size() + " columns");
        rows.add(java.util.Arrays.asList(cells.clone()));
        return this;
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return rows.size();
    }

    public void print(Format format, PrintWriter out) {
        switch (format) {
            case table -> printText(out);
            case csv -> printCsv(out);
            case json -> printJson(out);
        }
        out.flush();
    }

    public List<Map<String, Object>> asMaps() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (List<Object> r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) m.put(columns.get(i), r.get(i));
            list.add(m);
        }
        return list;
    }

    private void printJson(PrintWriter out) {
        try {
            out.println(json().writeValueAsString(asMaps()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The indenting JSON writer of {@code --format json}. */
    public static ObjectMapper json() {
        return JsonWriter.MAPPER;
    }

    // Made on first use: loading Jackson cost a cold `halo model predict` a sixth of its time, for a table it prints as text.
    private static final class JsonWriter {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private void printCsv(PrintWriter out) {
        out.println(String.join(",", columns.stream().map(Table::csvCell).toList()));
        for (List<Object> r : rows) out.println(String.join(",", r.stream().map(c -> csvCell(text(c))).toList()));
    }

    private void printText(PrintWriter out) {
        int[] width = new int[columns.size()];
        for (int i = 0; i < width.length; i++) width[i] = columns.get(i).length();
        List<List<String>> texts = new ArrayList<>();
        for (List<Object> r : rows) {
            List<String> t = r.stream().map(Table::text).toList();
            for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], t.get(i).length());
            texts.add(t);
        }
        out.println(line(columns, width));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) rule.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        out.println(rule);
        for (List<String> t : texts) out.println(line(t, width));
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append("  ");
            String c = cells.get(i);
            sb.append(c).append(" ".repeat(i == cells.size() - 1 ? 0 : width[i] - c.length()));
        }
        return sb.toString().stripTrailing();
    }

    /** Numbers print with 4 significant decimals at most; null prints empty. */
    static String text(Object cell) {
        if (cell == null) return "";
        if (cell instanceof Double || cell instanceof Float) {
            double d = ((Number) cell).doubleValue();
            if (Double.isNaN(d)) return "NaN";
            if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf((long) d);
            String s = Math.abs(d) >= 1e-3 || d == 0 ? String.format(java.util.Locale.ROOT, "%.4f", d) : String.format(java.util.Locale.ROOT, "%.4g", d);
            if (s.contains(".") && !s.contains("e")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
            return s;
        }
        return cell.toString();
    }

    private static String csvCell(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }
}
