package dev.halo.data;

import dev.halo.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A strictly read CSV file: a header row, then rows that all have exactly as many cells as the header.
 * Parsed by hand (the data tables are large and simple: commas, optional double-quoted cells, LF or CRLF
 * line ends). Every error names the file, the 1-based line and, where one is involved, the column.
 *
 * <p>A file must end with a line break: machine-written tables always do, and a missing one is the only
 * trace left by a file cut off in the middle of its last number.
 */
final class CsvFile {
    private final Path path;
    private final String text;
    private final List<String> header;
    private final Map<String, Integer> columnIndex;
    private final int rowCount;
    private final int columns;
    /** Cell {@code r * columns + c} spans {@code text[start, end)}; quoted cells are kept unescaped in {@link #quoted}. */
    private final int[] start;
    private final int[] end;
    private final Map<Integer, String> quoted;
    private final int[] lines;

    private CsvFile(Path path, String text, List<String> header, int rowCount, int[] start, int[] end, Map<Integer, String> quoted, int[] lines) {
        this.path = path;
        this.text = text;
        this.header = header;
        this.rowCount = rowCount;
        this.columns = header.size();
        this.start = start;
        this.end = end;
        this.quoted = quoted;
        this.lines = lines;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) index.put(header.get(i), i);
        this.columnIndex = index;
    }

    static CsvFile read(Path path) {
        dev.halo.io.Limits.checkFileSize("CSV file", path, dev.halo.io.Limits.MAX_CSV_BYTES);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new BadInputException(path + ": file not found");
        } catch (IOException e) {
            throw new BadInputException(path + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(path, bytes);
    }

    static CsvFile parse(Path path, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new BadInputException(path + ": not UTF-8 text (" + e.getMessage() + ")");
        }
        int begin = text.startsWith("\uFEFF") ? 1 : 0;
        if (text.length() == begin) throw new BadInputException(path + ": empty file (expected a header line)");
        char last = text.charAt(text.length() - 1);
        if (last != '\n' && last != '\r')
            throw new BadInputException(path + ": truncated: last line has no line break (file cut off?)");
        return new Scanner(path, text, begin).scan();
    }

    /** One pass over the text, recording cell boundaries (no per-cell strings for the many numeric cells). */
    private static final class Scanner {
        private final Path path;
        private final String text;
        private final int n;
        private int pos;
        private int line = 1;
        private int[] starts = new int[1024];
        private int[] ends = new int[1024];
        private int cells;
        private final Map<Integer, String> quoted = new HashMap<>();

        Scanner(Path path, String text, int begin) {
            this.path = path;
            this.text = text;
            this.n = text.length();
            this.pos = begin;
        }

        CsvFile scan() {
            int headerCells = record();
            String[] head = new String[headerCells];
            for (int i = 0; i < headerCells; i++) head[i] = cellText(i);
            if (headerCells == 1 && head[0].isEmpty()) throw new BadInputException(path + " line 1: empty header line");
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < head.length; i++) {
                if (head[i].isBlank()) throw new BadInputException(path + " line 1: header column " + (i + 1) + " is empty");
                Integer before = seen.put(head[i], i);
                if (before != null)
                    throw new BadInputException(path + " line 1: column '" + Texts.shown(head[i]) + "' appears twice (columns " + (before + 1) + " and " + (i + 1) + ")");
            }
            // Header cells are not data cells: restart the cell buffers.
            cells = 0;
            quoted.clear();
            int[] lineOf = new int[256];
            int rows = 0;
            while (pos < n) {
                int recordLine = line;
                int before = cells;
                int count = record();
                if (count == 1 && ends[before] == starts[before] && !quoted.containsKey(before))
                    throw new BadInputException(path + " line " + recordLine + ": empty line");
                if (count != headerCells)
                    throw new BadInputException(path + " line " + recordLine + ": " + count + " cells, but the header has " + headerCells
                            + " (ragged or truncated row)");
                if (rows == lineOf.length) lineOf = java.util.Arrays.copyOf(lineOf, rows * 2);
                lineOf[rows++] = recordLine;
            }
            return new CsvFile(path, text, List.of(head), rows, starts, ends, Map.copyOf(quoted), java.util.Arrays.copyOf(lineOf, rows));
        }

        /** Reads one record from {@code pos}, appending its cells; returns the number of cells. */
        private int record() {
            int count = 0;
            while (true) {
                if (cells == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, cells * 2);
                    ends = java.util.Arrays.copyOf(ends, cells * 2);
                }
                if (text.charAt(pos) == '"') {
                    quoted.put(cells, quotedCell(count));
                    starts[cells] = pos;
                    ends[cells] = pos;
                } else {
                    int from = pos;
                    while (true) {
                        char c = text.charAt(pos);
                        if (c == ',' || c == '\n' || c == '\r') break;
                        if (c == '"') throw new BadInputException(path + " line " + line + ", column " + (count + 1) + ": stray quote inside an unquoted cell");
                        pos++;
                    }
                    starts[cells] = from;
                    ends[cells] = pos;
                }
                cells++;
                count++;
                char c = text.charAt(pos++); // the text ends with a line break, so a separator always follows a cell
                if (c == ',') continue;
                if (c == '\r' && pos < n && text.charAt(pos) == '\n') pos++;
                line++;
                return count;
            }
        }

        private String quotedCell(int column) {
            int openLine = line;
            StringBuilder cell = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= n) throw new BadInputException(path + " line " + openLine + ": unterminated quoted cell");
                char c = text.charAt(pos++);
                if (c == '"') {
                    if (pos < n && text.charAt(pos) == '"') {
                        cell.append('"');
                        pos++;
                    } else break;
                } else {
                    if (c == '\n') line++;
                    cell.append(c);
                }
            }
            if (pos >= n) throw new BadInputException(path + " line " + line + ": truncated after a quoted cell");
            char next = text.charAt(pos);
            if (next != ',' && next != '\n' && next != '\r')
                throw new BadInputException(path + " line " + line + ", column " + (column + 1) + ": text after a closing quote");
            return cell.toString();
        }

        private String cellText(int i) {
            String q = quoted.get(i);
            return q != null ? q : text.substring(starts[i], ends[i]);
        }
    }

    Path path() {
        return path;
    }

    List<String> header() {
        return header;
    }

    int rowCount() {
        return rowCount;
    }

    /** The 1-based line number in the file where data row {@code row} (0-based) starts. */
    int line(int row) {
        return lines[row];
    }

    OptionalInt column(String name) {
        Integer i = columnIndex.get(name);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    int requireColumn(String name) {
        Integer i = columnIndex.get(name);
        if (i == null) throw new BadInputException(path + " line 1: missing column '" + name + "' (header: " + Texts.shown(String.join(",", header), 200) + ")");
        return i;
    }

    String cell(int row, int col) {
        int i = checkedCell(row, col);
        String q = quoted.isEmpty() ? null : quoted.get(i);
        return q != null ? q : text.substring(start[i], end[i]);
    }

    /** Whether the cell equals {@code s}, without building a string for it. */
    boolean cellEquals(int row, int col, String s) {
        int i = checkedCell(row, col);
        String q = quoted.isEmpty() ? null : quoted.get(i);
        if (q != null) return q.equals(s);
        int len = end[i] - start[i];
        return len == s.length() && text.regionMatches(start[i], s, 0, len);
    }

    private int checkedCell(int row, int col) {
        if (row < 0 || row >= rowCount || col < 0 || col >= columns) throw new IndexOutOfBoundsException("cell " + row + "," + col);
        return row * columns + col;
    }

    /** A non-empty cell. */
    String text(int row, int col) {
        String s = cell(row, col);
        if (s.isEmpty()) throw error(row, col, "empty value");
        return s;
    }

    /** A finite decimal number ({@code 12}, {@code -0.5}, {@code 1.5e-3}); NaN, infinities and Java suffixes are refused. */
    double number(int row, int col) {
        int i = checkedCell(row, col);
        if (!quoted.isEmpty() && quoted.containsKey(i)) return slowNumber(row, col, quoted.get(i));
        double v = Decimal.parse(text, start[i], end[i]);
        if (Double.isNaN(v)) return slowNumber(row, col, text.substring(start[i], end[i]));
        return v;
    }

    private double slowNumber(int row, int col, String s) {
        if (!isDecimal(s)) {
            if (s.isEmpty()) throw error(row, col, "empty value (expected a number)");
            throw error(row, col, "not a finite number: '" + abbreviate(s) + "'");
        }
        double v = Double.parseDouble(s);
        if (Double.isInfinite(v)) throw error(row, col, "number out of range: '" + abbreviate(s) + "'");
        return v;
    }

    /** A whole number without sign, decimal point or exponent. */
    int index(int row, int col) {
        int i = checkedCell(row, col);
        int from = start[i];
        int to = end[i];
        if (quoted.containsKey(i) || to == from || to - from > 9) throw error(row, col, "expected a non-negative integer, got '" + abbreviate(cell(row, col)) + "'");
        int v = 0;
        for (int p = from; p < to; p++) {
            char c = text.charAt(p);
            if (c < '0' || c > '9') throw error(row, col, "expected a non-negative integer, got '" + abbreviate(cell(row, col)) + "'");
            v = v * 10 + (c - '0');
        }
        return v;
    }

    BadInputException error(int row, int col, String what) {
        return new BadInputException(path + " line " + lines[row] + ", column '" + header.get(col) + "': " + what);
    }

    /** Optional sign, digits with at most one decimal point (at least one digit), optional exponent. */
    static boolean isDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int digits = 0;
        boolean point = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') digits++;
            else if (c == '.' && !point) point = true;
            else break;
        }
        if (digits == 0) return false;
        if (i == n) return true;
        char e = s.charAt(i);
        if (e != 'e' && e != 'E') return false;
        i++;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
        int expDigits = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
            expDigits++;
        }
        return expDigits > 0;
    }

    static String abbreviate(String s) {
        return Texts.shown(s);
    }
}
