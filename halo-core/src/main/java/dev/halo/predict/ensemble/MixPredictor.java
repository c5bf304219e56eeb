package dev.halo.predict.ensemble;

import dev.halo.predict.FewShotContext;
import dev.halo.predict.LeaveOneOutPredictor;
import dev.halo.space.Architecture;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link GroupRidge} fit of one device's known latencies on {@link RowFeatures}, for table rows. Intervals
 * are jackknife intervals: at level L the half-width q is the ⌈(n+1)L⌉-th smallest leave-one-out relative
 * error of the n known rows (the largest if that rank exceeds n), applied as {@code [ŷ(1-q), ŷ(1+q)]}.
 */
final class MixPredictor implements LeaveOneOutPredictor {
    private final FewShotContext context;
    private final RowFeatures features;
    private final GroupRidge model;
    private final boolean log;
    private final double[] looMs;
    private final double[] sortedLooErrors;

    private MixPredictor(FewShotContext context, RowFeatures features, GroupRidge model, boolean log, double[] looMs, double[] known) {
        this.context = context;
        this.features = features;
        this.model = model;
        this.log = log;
        this.looMs = looMs;
        this.sortedLooErrors = LeaveOneOutPredictor.sortedRelativeErrors(known, looMs);
    }

    /** Fits rows {@code rows} with latencies {@code ms}; {@code jackknife} false skips the leave-one-out fits (no intervals). */
    static MixPredictor fit(FewShotContext context, RowFeatures features, int[] rows, double[] ms, double[] penalty, boolean log, boolean jackknife) {
        double[][] x = features.rows(rows);
        double[] y = log ? Arrays.stream(ms).map(Math::log).toArray() : ms.clone();
        GroupRidge model = GroupRidge.fit(x, y, penalty);
        double[] loo;
        if (jackknife) {
            loo = GroupRidge.leaveOneOut(x, y, penalty);
            if (log) for (int i = 0; i < loo.length; i++) loo[i] = Math.exp(loo[i]);
        } else {
            loo = ms.clone(); // zero errors: a zero-width interval
        }
        return new MixPredictor(context, features, model, log, loo, ms);
    }

    double predictRow(int row) {
        double v = model.predict(features.row(row));
        return log ? Math.exp(v) : v;
    }

    /** Leave-one-out predictions (ms) of the known rows, in fitting order. */
    @Override
    public double[] leaveOneOutMs() {
        return looMs.clone();
    }

    @Override
    public String space() {
        return context.space().name();
    }

    @Override
    public double[] predictMs(List<? extends Architecture> archs) {
        return archs.stream().mapToDouble(a -> predictRow(context.rowOf(a))).toArray();
    }

    @Override
    public Prediction[] predictWithInterval(List<? extends Architecture> archs, double level) {
        double q = LeaveOneOutPredictor.jackknifeHalfWidth(sortedLooErrors, level);
        double[] p = predictMs(archs);
        Prediction[] out = new Prediction[p.length];
        for (int i = 0; i < p.length; i++) out[i] = new Prediction(p[i], p[i] * (1 - q), p[i] * (1 + q));
        return out;
    }
}
