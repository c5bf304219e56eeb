package dev.halo.onnx.zoo;

import dev.halo.BadInputException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The {@code family:key=value:key=value} text of a zoo model: parsing with clear errors, canonical formatting
 * (integer lists joined by {@code -}, decimals without trailing zeros) and sampling helpers.
 */
final class Spec {
    private final String text;
    private final Map<String, String> values;

    private Spec(String text, Map<String, String> values) {
        this.text = text;
        this.values = values;
    }

    /** Parses {@code text} of {@code family}, accepting only {@code keys}. */
    static Spec parse(String text, String family, Set<String> keys) {
        String[] parts = text.strip().split(":");
        if (!parts[0].equals(family)) throw new BadInputException("'" + text + "' is not a " + family + " spec");
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) throw new BadInputException(text + ": expected key=value, got '" + parts[i] + "'");
            String key = parts[i].substring(0, eq);
            if (!keys.contains(key)) throw new BadInputException(text + ": unknown key '" + key + "' (" + family + " has " + keys + ")");
            if (values.put(key, parts[i].substring(eq + 1)) != null) throw new BadInputException(text + ": key '" + key + "' given twice");
        }
        return new Spec(text, values);
    }

    /** The keys the text gives (a family whose keys depend on one of them checks the rest against it). */
    Set<String> keys() {
        return values.keySet();
    }

    String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    int integer(String key, int fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new BadInputException(text + ": " + key + " must be an integer, got '" + v + "'");
        }
    }

    double decimal(String key, double fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new BadInputException(text + ": " + key + " must be a number, got '" + v + "'");
        }
    }

    List<Integer> integers(String key, List<Integer> fallback) {
        String v = values.get(key);
        if (v == null) return fallback;
        try {
            return Arrays.stream(v.split("-")).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            throw new BadInputException(text + ": " + key + " must be integers joined by '-', got '" + v + "'");
        }
    }

    /** Throws a {@link BadInputException} naming the spec unless {@code ok}. */
    void require(boolean ok, String what) {
        if (!ok) throw new BadInputException(text + ": " + what);
    }

    static String ints(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining("-"));
    }

    static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** Builds {@code family:k1=v1:k2=v2...} from alternating keys and already formatted values. */
    static String format(String family, Object... keyValues) {
        StringBuilder sb = new StringBuilder(family);
        for (int i = 0; i < keyValues.length; i += 2) sb.append(':').append(keyValues[i]).append('=').append(keyValues[i + 1]);
        return sb.toString();
    }

    static int pick(SplittableRandom random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }

    static double pick(SplittableRandom random, double... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** An integer in {@code [lo, hi]}. */
    static int between(SplittableRandom random, int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    /** The input resolutions the samplers draw: multiples of 16 from 96 to 320 (224 is one of 15). */
    static final int[] RESOLUTIONS = {96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256, 272, 288, 304, 320};

    static int resolution(SplittableRandom random) {
        return pick(random, RESOLUTIONS);
    }

    /** torchvision's {@code _make_divisible}: round to a multiple of {@code divisor}, never more than 10 % down. */
    static int divisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        if (rounded < 0.9 * v) rounded += divisor;
        return rounded;
    }
}
