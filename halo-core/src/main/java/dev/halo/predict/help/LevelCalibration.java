package dev.halo.predict.help;

import dev.halo.space.Architecture;
import java.util.Arrays;
import java.util.List;

/**
 * Puts an adapted HELP predictor's absolute level on the device's: the factor that makes the median ratio
 * measured / predicted over the device's known latencies equal 1, each known latency compared with a prediction
 * that did not see it. The median of the log-ratios is used (for an odd count it is exactly the median ratio; for
 * an even count the geometric mean of the two middle ratios) rather than the mean log-ratio, because a few known
 * archs can be far off (degenerate cells, predictions extrapolated towards 0 ms), and one such arch should not move
 * the level of every prediction. A positive factor multiplies every prediction, so the ranking is unchanged.
 */
public final class LevelCalibration {
    private LevelCalibration() {}

    /** Fewer usable rows than this and the factor is 1 (no calibration claimed). */
    public static final int MIN_ROWS = 3;

    /**
     * {@code exp(median(ln(measured / predicted)))} over the rows where both are positive and finite; 1 when fewer
     * than {@value #MIN_ROWS} rows are usable. Multiplying the predictions by it makes their median ratio to the
     * measurements 1.
     */
    public static double medianRatio(double[] measured, double[] predicted) {
        if (measured.length != predicted.length)
            throw new IllegalArgumentException(measured.length + " measurements but " + predicted.length + " predictions");
        double[] log = new double[measured.length];
        int n = 0;
        for (int i = 0; i < measured.length; i++)
            if (measured[i] > 0 && predicted[i] > 0 && Double.isFinite(measured[i]) && Double.isFinite(predicted[i]))
                log[n++] = Math.log(measured[i] / predicted[i]);
        if (n < MIN_ROWS) return 1.0;
        double[] l = Arrays.copyOf(log, n);
        Arrays.sort(l);
        double median = n % 2 == 1 ? l[n / 2] : 0.5 * (l[n / 2 - 1] + l[n / 2]);
        return Math.exp(median);
    }

    /**
     * The level factor of {@code predictor} (its current factor ignored) from its device's known latencies: the
     * references predicted by the full adaptation (their latencies enter HELP only as the min-max normalised
     * hardware embedding, so their level is not fitted to them) and each support sample predicted by the adaptation
     * without it ({@link LeaveOneOutInterval#heldOutPredictions}).
     *
     * @param referenceArchs the reference archs, in the order of the record's reference latencies
     */
    public static double factor(AdaptedHelpPredictor predictor, List<? extends Architecture> referenceArchs) {
        HelpAdaptation.Record r = predictor.record();
        if (referenceArchs.size() != r.referenceMs().length)
            throw new IllegalArgumentException(referenceArchs.size() + " reference archs but " + r.referenceMs().length + " reference latencies");
        double[] refPredicted = predictor.withLevelFactor(1.0).predictMs(referenceArchs);
        double[] held = LeaveOneOutInterval.heldOutPredictions(predictor);
        int nr = refPredicted.length, ns = held.length;
        double[] measured = new double[nr + ns], predicted = new double[nr + ns];
        System.arraycopy(r.referenceMs(), 0, measured, 0, nr);
        System.arraycopy(refPredicted, 0, predicted, 0, nr);
        System.arraycopy(r.sampleMs(), 0, measured, nr, ns);
        System.arraycopy(held, 0, predicted, nr, ns);
        return medianRatio(measured, predicted);
    }
}
