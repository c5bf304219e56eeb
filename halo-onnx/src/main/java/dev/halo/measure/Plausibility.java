package dev.halo.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a stored measurement is believable. A row is flagged when
 * <ul>
 *   <li>its settings asked for more intra-op threads than this machine has processors ({@code oversubscribed}: the
 *       threads take turns on the cores and the timings measure the scheduler, e.g. 200-500 ms for a 0.5 ms network
 *       with 1000 threads on 2 cores; only possible with {@code --allow-oversubscribe}). Such rows are kept but never
 *       used as latencies;</li>
 *   <li>its runs spread implausibly: with at least {@value #MIN_RUNS_FOR_SPREAD} timed runs, a robust CV above
 *       {@value #MAX_ROBUST_CV} ({@code noisy}; a quiet 2-core VM gives 5-6 %, the same VM under load 7-10 %). Such rows
 *       stay usable (on a loaded machine they are all there is) but are counted in the measure summary and visible in
 *       the store's {@code flag} column.</li>
 * </ul>
 */
public final class Plausibility {
    public static final double MAX_ROBUST_CV = 0.5;
    public static final int MIN_RUNS_FOR_SPREAD = 10;
    public static final String OVERSUBSCRIBED = "oversubscribed";
    private static final Pattern THREADS = Pattern.compile("\"intra_op_threads\"\\s*:\\s*([0-9]+)");

    private Plausibility() {}

    /** The flag of one outcome measured with {@code settingsJson} on this machine, or null when it is plausible. */
    public static String flag(Outcome outcome, String settingsJson) {
        if (!(outcome instanceof Outcome.Measured m)) return null;
        List<String> why = new ArrayList<>();
        Matcher t = THREADS.matcher(settingsJson == null ? "" : settingsJson);
        int cores = Runtime.getRuntime().availableProcessors();
        if (t.find() && t.group(1).length() < 10 && Integer.parseInt(t.group(1)) > cores)
            why.add(OVERSUBSCRIBED + ": " + t.group(1) + " threads on " + cores + " processors");
        LatencyStats s = m.stats();
        if (s.runs() >= MIN_RUNS_FOR_SPREAD && s.robustCv() > MAX_ROBUST_CV)
            why.add(String.format(java.util.Locale.ROOT, "noisy: robust CV %.2f over %d runs", s.robustCv(), s.runs()));
        return why.isEmpty() ? null : String.join("; ", why);
    }
}
