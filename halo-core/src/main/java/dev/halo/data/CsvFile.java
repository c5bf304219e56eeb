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
import java.util.ArrayList;
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
    private final List<String> header;
    private final Map<String, Integer> columnIndex;
    private final List<String[]> rows;
    private final int[] lines;

    private CsvFile(Path path, List<String> header, List<String[]> rows, int[] lines) {
        this.path = path;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) index.put(header.get(i), i);
        this.columnIndex = index;
    }

    static CsvFile read(Path path) {
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
        int start = text.startsWith("\uFEFF") ? 1 : 0;
        if (text.length() == start) throw new BadInputException(path + ": empty file (expected a header line)");
        char last = text.charAt(text.length() - 1);
        if (last != '\n' && last != '\r')
            throw new BadInputException(path + ": truncated: last line has no line break (file cut off?)");

        List<String[]> records = new ArrayList<>();
        List<Integer> recordLines = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int line = 1;
        int pos = start;
        int n = text.length();
        while (pos < n) {
            int recordLine = line;
            cells.clear();
            boolean endOfRecord = false;
            while (!endOfRecord) {
                cell.setLength(0);
                if (pos < n && text.charAt(pos) == '"') {
                    pos++;
                    while (true) {
                        if (pos >= n) throw new BadInputException(path + " line " + recordLine + ": unterminated quoted cell");
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
                    if (pos < n && text.charAt(pos) != ',' && text.charAt(pos) != '\n' && text.charAt(pos) != '\r')
                        throw new BadInputException(path + " line " + line + ", column " + (cells.size() + 1)
                                + ": text after a closing quote");
                    cells.add(cell.toString());
                } else {
                    int from = pos;
                    while (pos < n) {
                        char c = text.charAt(pos);
                        if (c == ',' || c == '\n' || c == '\r') break;
                        if (c == '"') throw new BadInputException(path + " line " + line + ", column " + (cells.size() + 1)
                                + ": stray quote inside an unquoted cell");
                        pos++;
                    }
                    cells.add(text.substring(from, pos));
                }
                char c = text.charAt(pos); // the file ends with a line break, so a separator always follows
                pos++;
                if (c == '\r') {
                    if (pos < n && text.charAt(pos) == '\n') pos++;
                    endOfRecord = true;
                } else if (c == '\n') endOfRecord = true;
            }
            if (cells.size() == 1 && cells.get(0).isEmpty()) {
                throw new BadInputException(path + " line " + recordLine + ": empty line");
            }
            records.add(cells.toArray(String[]::new));
            recordLines.add(recordLine);
            line++;
        }

        String[] head = records.get(0);
        List<String> header = List.of(head);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < head.length; i++) {
            if (head[i].isBlank()) throw new BadInputException(path + " line 1: header column " + (i + 1) + " is empty");
            Integer before = seen.put(head[i], i);
            if (before != null)
                throw new BadInputException(path + " line 1: column '" + head[i] + "' appears twice (columns " + (before + 1) + " and " + (i + 1) + ")");
        }
        List<String[]> rows = records.subList(1, records.size());
        int[] lines = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            lines[r] = recordLines.get(r + 1);
            if (rows.get(r).length != head.length)
                throw new BadInputException(path + " line " + lines[r] + ": " + rows.get(r).length + " cells, but the header has "
                        + head.length + " (ragged or truncated row)");
        }
        return new CsvFile(path, header, List.copyOf(rows), lines);
    }

    Path path() {
        return path;
    }

    List<String> header() {
        return header;
    }

    int rowCount() {
        return rows.size();
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
        if (i == null) throw new BadInputException(path + " line 1: missing column '" + name + "' (header: " + String.join(",", header) + ")");
        return i;
    }

    String cell(int row, int col) {
        return rows.get(row)[col];
    }

    /** A non-empty cell. */
    String text(int row, int col) {
        String s = rows.get(row)[col];
        if (s.isEmpty()) throw error(row, col, "empty value");
        return s;
    }

    /** A finite decimal number ({@code 12}, {@code -0.5}, {@code 1.5e-3}); NaN, infinities and Java suffixes are refused. */
    double number(int row, int col) {
        String s = rows.get(row)[col];
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
        String s = rows.get(row)[col];
        if (s.isEmpty() || s.length() > 9) throw error(row, col, "expected a non-negative integer, got '" + abbreviate(s) + "'");
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw error(row, col, "expected a non-negative integer, got '" + abbreviate(s) + "'");
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
