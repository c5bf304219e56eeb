package dev.halo.data;

/** Shows text taken from an input file inside a one-line error message. */
final class Texts {
    private Texts() {}

    /** At most {@code max} characters, control characters escaped (so the message stays on one line). */
    static String shown(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        if (b.length() >= max && (b.length() > max || s.length() > max)) {
            b.setLength(max - 3);
            b.append("...");
        }
        return b.toString();
    }

    static String shown(String s) {
        return shown(s, 40);
    }
}
