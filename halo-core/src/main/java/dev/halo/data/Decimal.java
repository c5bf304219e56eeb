package dev.halo.data;

/**
 * Fast exact parsing of the plain decimals that latency tables are made of. Handles the common case
 * (at most 15 significant digits, small exponent) with one exact multiplication or division, which IEEE
 * arithmetic rounds correctly because both operands are exact doubles; everything else is left to
 * {@link Double#parseDouble} by returning NaN.
 */
final class Decimal {
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
    }

    private Decimal() {}

    /** The value of {@code text[from, to)}, or NaN if the text is not in the fast form (caller falls back). */
    static double parse(String text, int from, int to) {
        int i = from;
        boolean negative = false;
        if (i < to && (text.charAt(i) == '-' || text.charAt(i) == '+')) negative = text.charAt(i++) == '-';
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean point = false;
        boolean any = false;
        for (; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                any = true;
                if (mantissa == 0 && c == '0') {
                    if (point) scale++;
                    continue;
                }
                if (++digits > 15) return Double.NaN;
                mantissa = mantissa * 10 + (c - '0');
                if (point) scale++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return Double.NaN; // exponent, junk or a second point: let the careful path decide
            }
        }
        if (!any) return Double.NaN;
        if (scale > 22) return Double.NaN;
        double v = scale == 0 ? mantissa : mantissa / POW10[scale];
        return negative ? -v : v;
    }
}
