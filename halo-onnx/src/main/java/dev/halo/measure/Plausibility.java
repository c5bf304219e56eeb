package dev.halo.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a stored measurement is believable. A row is flagged (kept, but not used as a latency) when
 * <ul>
 *   <li>its settings asked for more intra-op threads than this machine has processors ({@code oversubscribed}: the
 *       threads take turns on the cores and the timings measure the scheduler, e.g. 200-500 ms for a 0.5 ms network
 *       with 1000 threads on 2 cores), or</li>
 *   <li>its runs spread implausibly: robust CV above {@value #MAX_ROBUST_CV} or slowest-decile run more than
 *       {@value #MAX_P90_OVER_MIN} times the fastest ({@code noisy}; quiet 2-core VMs give 5-6 % CV).</li>
 * </ul>
 */
public final class Plausibility {
    public static final double MAX_ROBUST_CV = 0.5;
    public static final double MAX_P90_OVER_MIN = 10;
    private static final Pattern THREADS = Pattern.compile("\"intra_op_threads\"\\s*:\\s*([0-9]+)");

    private Plausibility() {}

    /** The flag of one outcome measured with {@code settingsJson} on this machine, or null when it is plausible. */
    public static String flag(Outcome outcome, String settingsJson) {
        if (!(outcome instanceof Outcome.Measured m)) return null;
        List<String> why = new ArrayList<>();
        Matcher t = THREADS.matcher(settingsJson == null ? "" : settingsJson);
        int cores = Runtime.getRuntime().availableProcessors();
        if (t.find() && t.group(1).length() < 10 && Integer.parseInt(t.group(1)) > cores)
            why.add("oversubscribed: " + t.group(1) + " threads on " + cores + " processors");
        LatencyStats s = m.stats();
        if (s.robustCv() > MAX_ROBUST_CV || (s.minMs() > 0 && s.p90Ms() / s.minMs() > MAX_P90_OVER_MIN))
            why.add(String.format(java.util.Locale.ROOT, "noisy: robust CV %.2f, p90/min %.1f", s.robustCv(), s.p90Ms() / s.minMs()));
        return why.isEmpty() ? null : String.join("; ", why);
    }
}
