package dev.halo.eval;

/**
 * Scores of one method on one test device, averaged over seeds (or, for the summary row, over devices).
 * Rank measures and errors are on the device's kept query pool; {@code spearmanFull} on every row of the
 * table except the task's samples. Coverage is null when the predictor gives no intervals.
 *
 * @param spearmanSd standard deviation of {@code spearman} over seeds (0 for one seed); in the summary row,
 *     the mean of the devices' standard deviations
 * @param mape mean absolute percentage error, percent
 * @param within10 share (0..1) of predictions within ±10 % of the measurement
 */
public record DeviceScore(
        String device,
        double spearman,
        double spearmanSd,
        double kendall,
        double spearmanFull,
        double mape,
        double within10,
        Double coverage80,
        Double coverage95) {}
