package dev.halo.measure;

import java.util.Locale;

/** Writes the flat JSON objects stored as provenance and settings (string, number and boolean values only). */
final class Json {
    private Json() {}

    /** {@code keysAndValues} alternates keys (strings) and values. */
    static String object(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values must pair up");
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append(quote(keysAndValues[i].toString())).append(':');
            Object v = keysAndValues[i + 1];
            if (v instanceof Number || v instanceof Boolean) sb.append(String.format(Locale.ROOT, "%s", v));
            else sb.append(quote(String.valueOf(v)));
        }
        return sb.append('}').toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
