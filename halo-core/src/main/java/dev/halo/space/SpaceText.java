package dev.halo.space;

import dev.halo.BadInputException;

/** Small helpers shared by the space parsers: quoting untrusted input into one-line error messages. */
final class SpaceText {
    private static final int MAX_QUOTED = 60;

    private SpaceText() {}

    /** The input as it may appear inside a one-line message: control and non-ASCII characters become '?', long input is cut. */
    static String quote(String text) {
        if (text == null) return "null";
        String cut = text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED - 3) + "..." : text;
        StringBuilder sb = new StringBuilder(cut.length() + 2).append('\'');
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.append('\'').toString();
    }

    static BadInputException bad(String space, String text, String problem) {
        return new BadInputException(space + " architecture " + quote(text) + ": " + problem);
    }

    /** Parses a non-negative decimal of at most {@code maxDigits} digits, or returns -1 if {@code s} is not one. */
    static long plainNumber(String s, int maxDigits) {
        if (s.isEmpty() || s.length() > maxDigits) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
