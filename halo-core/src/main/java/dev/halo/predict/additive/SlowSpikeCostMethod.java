package dev.halo.predict.additive;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.space.Architecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code op-costs-spike} (experimental, beyond.md session 10): op-costs that discounts known latencies measured far
 * slower than the others explain. On the integer-ms phones 2–4 % of architectures are measured more than 25 % slower
 * than their structure explains and none as much faster (a run disturbed by something else on the phone); one such
 * row among ten to twenty pulls the costs towards it. The symmetric Huber weights of {@link RobustCostFit} hardly see
 * it, because with few more latencies than costs the fit follows every row and its residuals are all small.
 * <p>
 * So the check uses leave-one-out: each known row's relative error against the fit without it, e = y / ŷ₋ᵢ − 1. A row
 * slower than {@link #SCALES} robust scales (1.4826 × the median absolute deviation of e) is down-weighted to
 * (SCALES · scale / e)², and the fit is made again; faster rows are never discounted (a spike is slower, never faster,
 * than the device's typical run). Leave-one-out errors mean something only with spare latencies, so with fewer than
 * {@link #MIN_KNOWN_PER_UNKNOWN} × (costs + 1) known latencies it is op-costs unchanged.
 * <p>
 * {@code op-costs-spike-int} (session 10, rule v2) discounts only on a device that reports whole milliseconds (every
 * known latency an integer), where the spikes were found; elsewhere a row the fit misses is structure, not a
 * disturbed run (NB201 pixel3's runtime removes dead code, so its ordinary cells look slow beside the pruned ones).
 */
public final class SlowSpikeCostMethod implements FewShotMethod {
    public static final String NAME = "op-costs-spike";
    public static final String WHOLE_MS_NAME = "op-costs-spike-int";
    /** Chosen in the numpy prototype on the selection devices only (beyond.md session 10: 2 and 3 compared). */
    static final double SCALES = 2.0;
    static final int MIN_KNOWN_PER_UNKNOWN = 2;

    private final boolean wholeMsOnly;

    /** @param wholeMsOnly whether to discount only on devices whose known latencies are all whole ms ({@link #WHOLE_MS_NAME}) */
    public SlowSpikeCostMethod(boolean wholeMsOnly) {
        this.wholeMsOnly = wholeMsOnly;
    }

    @Override
    public String name() {
        return wholeMsOnly ? WHOLE_MS_NAME : NAME;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        CostFeatures features = CostFeatures.require(context.space(), "method " + NAME);
        List<? extends Architecture> archs = context.archs();
        Map<String, int[]> tally = new LinkedHashMap<>(); // device -> {rows down-weighted, rows known}
        return new Adapter() {
            @Override
            public AdditiveCostPredictor adapt(FewShotTask task) {
                List<Architecture> known = new ArrayList<>();
                for (int r : task.knownIndices()) known.add(archs.get(r));
                double[] ms = task.knownLatencies();
                AdditiveCostPredictor plain = AdditiveCostPredictor.fit(features, known, ms);
                if (wholeMsOnly && !wholeMilliseconds(ms)) return plain;
                double[] weights = slowSpikeWeights(features, ms, plain.leaveOneOutMs());
                int discounted = (int) Arrays.stream(weights).filter(w -> w < 1).count();
                synchronized (tally) {
                    int[] t = tally.computeIfAbsent(task.device(), d -> new int[2]);
                    t[0] += discounted;
                    t[1] += ms.length;
                }
                return discounted == 0 ? plain : AdditiveCostPredictor.fit(features, known, ms, weights);
            }

            @Override
            public String summary() {
                StringBuilder s = new StringBuilder("op-costs with known rows whose leave-one-out error is slower than " + SCALES
                        + " robust scales down-weighted (with >= " + MIN_KNOWN_PER_UNKNOWN + " x (costs + 1) known"
                        + (wholeMsOnly ? ", on devices reporting whole ms" : "") + "); rows down-weighted:");
                synchronized (tally) {
                    tally.forEach((device, t) -> s.append(' ').append(device).append(' ').append(t[0]).append('/').append(t[1]));
                }
                return s.toString();
            }
        };
    }

    /**
     * One weight in (0, 1] per known row: 1, or (SCALES · scale / e)² for a row whose leave-one-out relative error e is
     * slower than SCALES robust scales; all 1 with fewer than {@link #MIN_KNOWN_PER_UNKNOWN} × (costs + 1) rows.
     */
    static double[] slowSpikeWeights(CostFeatures features, double[] ms, double[] leaveOneOutMs) {
        double[] weights = new double[ms.length];
        Arrays.fill(weights, 1);
        if (ms.length < MIN_KNOWN_PER_UNKNOWN * (features.names().size() + 1)) return weights;
        double[] e = new double[ms.length];
        for (int i = 0; i < e.length; i++) e[i] = ms[i] / leaveOneOutMs[i] - 1;
        double limit = SCALES * 1.4826 * RobustCostFit.medianAbsoluteDeviation(e);
        if (!(limit > 0)) return weights;
        for (int i = 0; i < e.length; i++) if (e[i] > limit) weights[i] = (limit / e[i]) * (limit / e[i]);
        return weights;
    }

    /** Whether every latency is a whole number of ms (a device that reports integers, as HELP's samsung phones do). */
    static boolean wholeMilliseconds(double[] ms) {
        for (double v : ms) if (v != Math.rint(v)) return false;
        return true;
    }
}
