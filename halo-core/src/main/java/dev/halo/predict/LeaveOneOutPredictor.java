package dev.halo.predict;

/**
 * A predictor fitted to one device's known latencies that also knows what it predicts for each of them when fitted
 * without it: honest errors on the known rows, for jackknife intervals and for choosing blend weights per device.
 */
public interface LeaveOneOutPredictor extends LatencyPredictor {
    /** Leave-one-out predictions (ms) of the known rows, in the order they were fitted (a task's {@code knownIndices}). */
    double[] leaveOneOutMs();

    /** |measured − leave-one-out| / |leave-one-out| per known row, sorted ascending: what {@link #jackknifeHalfWidth} ranks. */
    static double[] sortedRelativeErrors(double[] measuredMs, double[] leaveOneOutMs) {
        double[] e = new double[measuredMs.length];
        for (int i = 0; i < e.length; i++) e[i] = Math.abs(measuredMs[i] - leaveOneOutMs[i]) / Math.max(Math.abs(leaveOneOutMs[i]), 1e-12);
        java.util.Arrays.sort(e);
        return e;
    }

    /**
     * Split-conformal style half-width at {@code level}: the ⌈(n+1)·level⌉-th smallest of the n sorted leave-one-out
     * relative errors (the largest if the rank exceeds n).
     */
    static double jackknifeHalfWidth(double[] sortedErrors, double level) {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("interval level must be in (0, 1), got " + level);
        int n = sortedErrors.length;
        int rank = (int) Math.ceil((n + 1) * level);
        return sortedErrors[Math.min(rank, n) - 1];
    }

    /** Each prediction with the jackknife interval at {@code level}, a relative half-width; the lower end is at least 0. */
    static Prediction[] withJackknifeIntervals(double[] predictedMs, double[] sortedErrors, double level) {
        double q = jackknifeHalfWidth(sortedErrors, level);
        Prediction[] out = new Prediction[predictedMs.length];
        for (int i = 0; i < out.length; i++) out[i] = new Prediction(predictedMs[i], predictedMs[i] * Math.max(0, 1 - q), predictedMs[i] * (1 + q));
        return out;
    }
}
