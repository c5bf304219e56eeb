package dev.halo.predict.ensemble;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.Architecture;
import java.util.List;
import java.util.Locale;

/**
 * A weighted geometric mean of two few-shot methods' millisecond predictions,
 * {@code ŷ = base^(1-w) · other^w}: averaging in log-ms keeps the blend a latency and lets two predictors
 * that err on different architectures (a device mix that knows nothing about architectures, a meta-learned
 * network that knows nothing about the train devices' measurements) cancel part of each other's error.
 * The weight is chosen from {@link #WEIGHTS} by mean Spearman on the meta-valid devices (seeds 0..4); without
 * valid devices it is 0 (the base alone).
 * Intervals: the base's relative half-widths around the blended point (the other member may give none).
 *
 * <p>Per device ({@code perDevice}): the weight is instead chosen for each new device on its reference
 * architectures, where both members' predictions are honest: the base's are leave-one-out predictions
 * ({@link LeaveOneOutPredictor}), and the other member (HELP) reads the reference latencies only as its hardware
 * embedding and is adapted on the samples alone. The weight with the smallest variance of the log error
 * (scale offsets do not change a ranking) wins; valid devices are not used.
 *
 * <p>Per device on all known rows ({@link Weighting#KNOWN_LEAVE_ONE_OUT}): where both members give leave-one-out
 * predictions of every known row (a device mix and op-costs), the same criterion over all of them (20 points instead
 * of 10).
 */
public final class BlendMethod implements FewShotMethod {
    static final double[] WEIGHTS = {0, 0.2, 0.35, 0.5, 0.65, 0.8, 1};

    private final String name;
    private final FewShotMethod base;
    private final FewShotMethod other;
    private final Weighting weighting;

    /** Where the blend weight is chosen. */
    public enum Weighting {
        /** Once, on the meta-valid devices. */
        VALID,
        /** Per device, on its reference rows (base: leave-one-out; other: reads the references only as an embedding). */
        REFERENCES,
        /** Per device, on all its known rows, both members leave-one-out. */
        KNOWN_LEAVE_ONE_OUT
    }

    public BlendMethod(String name, FewShotMethod base, FewShotMethod other) {
        this(name, base, other, Weighting.VALID);
    }

    public BlendMethod(String name, FewShotMethod base, FewShotMethod other, boolean perDevice) {
        this(name, base, other, perDevice ? Weighting.REFERENCES : Weighting.VALID);
    }

    public BlendMethod(String name, FewShotMethod base, FewShotMethod other, Weighting weighting) {
        if (!base.predictsMilliseconds() || !other.predictsMilliseconds())
            throw new IllegalArgumentException("a blend needs members that predict milliseconds");
        this.name = name;
        this.base = base;
        this.other = other;
        this.weighting = weighting;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        Adapter b = base.prepare(context), o = other.prepare(context);
        if (weighting == Weighting.REFERENCES) return perDevice(context, b, o);
        if (weighting == Weighting.KNOWN_LEAVE_ONE_OUT) return perDeviceOnKnownRows(b, o);
        List<FewShotTask> tasks = Validation.tasks(context);
        List<double[][]> logs = tasks.stream().map(t -> new double[][] {
                logMs(b.adapt(t), context.archs()), logMs(o.adapt(t), context.archs())}).toList();
        double bestWeight = 0, bestScore = Double.NEGATIVE_INFINITY;
        for (double w : WEIGHTS) {
            int[] next = {0};
            double score = tasks.isEmpty() ? 0 : Validation.meanSpearman(context, tasks, task -> {
                double[][] pair = logs.get(next[0]++);
                return row -> (1 - w) * pair[0][row] + w * pair[1][row];
            });
            if (score > bestScore) {
                bestScore = score;
                bestWeight = w;
            }
        }
        double weight = bestWeight, validSpearman = tasks.isEmpty() ? Double.NaN : bestScore;
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                return new Blended(b.adapt(task), o.adapt(task), weight);
            }

            @Override
            public String summary() {
                String parts = String.join("; ", List.of(b.summary(), o.summary()).stream().filter(s -> !s.isEmpty()).toList());
                String chosen = Double.isNaN(validSpearman) ? "(default; no valid devices)"
                        : String.format(Locale.ROOT, "chosen on valid devices (valid spearman %.4f)", validSpearman);
                return String.format(Locale.ROOT, "weight %s on %s %s%s", weight, other.name(), chosen, parts.isEmpty() ? "" : "; " + parts);
            }
        };
    }

    private Adapter perDevice(FewShotContext context, Adapter b, Adapter o) {
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                LatencyPredictor bp = b.adapt(task), op = o.adapt(task);
                if (!(bp instanceof LeaveOneOutPredictor loo)) throw new IllegalStateException(base.name() + " gives no leave-one-out predictions");
                int refs = task.referenceIndices().length; // knownIndices() lists the reference rows first
                double[] baseLoo = loo.leaveOneOutMs();
                List<Architecture> refArchs = java.util.Arrays.stream(task.referenceIndices()).mapToObj(r -> (Architecture) context.archs().get(r)).toList();
                double[] otherRef = op.predictMs(refArchs), truth = task.referenceLatencies();
                double[] refLoo = java.util.Arrays.copyOf(baseLoo, refs);
                double best = smallestSpread(refLoo, otherRef, truth);
                return new Blended(bp, op, best);
            }

            @Override
            public String summary() {
                String parts = String.join("; ", List.of(b.summary(), o.summary()).stream().filter(s -> !s.isEmpty()).toList());
                return "weight on " + other.name() + " chosen per device on its reference architectures" + (parts.isEmpty() ? "" : "; " + parts);
            }
        };
    }

    private Adapter perDeviceOnKnownRows(Adapter b, Adapter o) {
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                LatencyPredictor bp = b.adapt(task), op = o.adapt(task);
                if (!(bp instanceof LeaveOneOutPredictor bl)) throw new IllegalStateException(base.name() + " gives no leave-one-out predictions");
                if (!(op instanceof LeaveOneOutPredictor ol)) throw new IllegalStateException(other.name() + " gives no leave-one-out predictions");
                return new Blended(bp, op, smallestSpread(bl.leaveOneOutMs(), ol.leaveOneOutMs(), task.knownLatencies()));
            }

            @Override
            public String summary() {
                String parts = String.join("; ", List.of(b.summary(), o.summary()).stream().filter(s -> !s.isEmpty()).toList());
                return "weight on " + other.name() + " chosen per device on its known rows (both members leave-one-out)" + (parts.isEmpty() ? "" : "; " + parts);
            }
        };
    }

    /** The weight whose blended log error over the rows varies least (an offset does not change a ranking). */
    static double smallestSpread(double[] baseMs, double[] otherMs, double[] truth) {
        double best = 0, bestSpread = Double.POSITIVE_INFINITY;
        for (double w : WEIGHTS) {
            double[] error = new double[truth.length];
            for (int i = 0; i < truth.length; i++)
                error[i] = (1 - w) * Math.log(Math.max(baseMs[i], 1e-9)) + w * Math.log(Math.max(otherMs[i], 1e-9)) - Math.log(truth[i]);
            double mean = java.util.Arrays.stream(error).average().orElse(0);
            double spread = java.util.Arrays.stream(error).map(e -> (e - mean) * (e - mean)).sum();
            if (spread < bestSpread - 1e-12) {
                bestSpread = spread;
                best = w;
            }
        }
        return best;
    }

    private static double[] logMs(LatencyPredictor p, List<? extends Architecture> archs) {
        double[] ms = p.predictMs(archs);
        for (int i = 0; i < ms.length; i++) ms[i] = Math.log(Math.max(ms[i], 1e-9));
        return ms;
    }

    /** The blend of two adapted predictors. */
    record Blended(LatencyPredictor base, LatencyPredictor other, double weight) implements LatencyPredictor {
        @Override
        public String space() {
            return base.space();
        }

        @Override
        public double[] predictMs(List<? extends Architecture> archs) {
            double[] b = base.predictMs(archs);
            if (weight == 0) return b;
            double[] o = other.predictMs(archs);
            double[] out = new double[b.length];
            for (int i = 0; i < out.length; i++)
                out[i] = Math.exp((1 - weight) * Math.log(Math.max(b[i], 1e-9)) + weight * Math.log(Math.max(o[i], 1e-9)));
            return out;
        }

        @Override
        public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
            Prediction[] b = base.predictWithInterval(archs, level);
            double[] p = predictMs(archs);
            Prediction[] out = new Prediction[p.length];
            for (int i = 0; i < p.length; i++) {
                double lower = b[i].lowerMs() / b[i].ms(), upper = b[i].upperMs() / b[i].ms();
                out[i] = new Prediction(p[i], p[i] * lower, p[i] * upper);
            }
            return out;
        }
    }
}
