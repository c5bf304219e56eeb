package dev.halo.search;

import dev.halo.BadInputException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses latency budgets written with units: {@code 11ms}, {@code 11 ms}, {@code 0.011s}, {@code 500us}; a bare number is ms. */
public final class LatencyBudget {
    private static final Pattern FORM = Pattern.compile("\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\\s*(ms|s|us|µs)?\\s*");

    private LatencyBudget() {}

    /** The budget in milliseconds; {@code what} names the option or field for the error message. */
    public static double parseMs(String text, String what) {
        Matcher m = FORM.matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
        if (!m.matches())
            throw new BadInputException(what + ": '" + text + "' is not a latency (write e.g. 11ms, 11 ms, 0.011s, 500us; a bare number is ms)");
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        double ms = switch (unit) {
            case "s" -> v * 1000;
            case "us", "µs" -> v / 1000;
            default -> v;
        };
        if (!(ms > 0) || Double.isInfinite(ms)) throw new BadInputException(what + ": latency budget must be > 0, got '" + text + "'");
        return ms;
    }
}
