package dev.halo.predict.baseline;

import dev.halo.predict.FewShotContext;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import java.util.Arrays;
import java.util.List;

/**
 * Predicts a device's latency from other devices' measured latencies of the same architecture, so it can
 * only score architectures that are rows of the benchmark table. Its intervals are jackknife intervals:
 * at level L the half-width is the ⌈(n+1)L⌉-th smallest leave-one-out relative error of the n fitted rows
 * (the largest one if that rank exceeds n), applied multiplicatively: {@code [ŷ(1-q), ŷ(1+q)]}.
 */
final class DeviceLinearPredictor implements LatencyPredictor {
    private final FewShotContext context;
    private final List<double[]> featureLatencies;
    private final LinearDeviceModel model;
    private final double[] sortedLooErrors;

    DeviceLinearPredictor(FewShotContext context, List<double[]> featureLatencies, LinearDeviceModel model, double[] looErrors) {
        this.context = context;
        this.featureLatencies = featureLatencies;
        this.model = model;
        this.sortedLooErrors = looErrors.clone();
        Arrays.sort(sortedLooErrors);
    }

    /** Fits on the table rows {@code rows} with measured {@code latencies}; intervals from a jackknife of the same fit. */
    static DeviceLinearPredictor fit(FewShotContext context, List<double[]> featureLatencies, int[] rows, double[] latencies, double lambda) {
        double[][] x = features(featureLatencies, rows);
        return new DeviceLinearPredictor(context, featureLatencies, LinearDeviceModel.fit(x, latencies, lambda),
                LinearDeviceModel.leaveOneOutRelativeErrors(x, latencies, lambda));
    }

    static double[][] features(List<double[]> featureLatencies, int[] rows) {
        double[][] x = new double[rows.length][featureLatencies.size()];
        for (int i = 0; i < rows.length; i++)
            for (int j = 0; j < featureLatencies.size(); j++) x[i][j] = featureLatencies.get(j)[rows[i]];
        return x;
    }

    /** Prediction for a table row. */
    double predictRow(int row) {
        double[] f = new double[featureLatencies.size()];
        for (int j = 0; j < f.length; j++) f[j] = featureLatencies.get(j)[row];
        return model.predict(f);
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
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("interval level must be in (0, 1), got " + level);
        int n = sortedLooErrors.length;
        int rank = (int) Math.ceil((n + 1) * level);
        double q = sortedLooErrors[Math.min(rank, n) - 1];
        double[] p = predictMs(archs);
        Prediction[] out = new Prediction[p.length];
        for (int i = 0; i < p.length; i++) out[i] = new Prediction(p[i], p[i] * (1 - q), p[i] * (1 + q));
        return out;
    }
}
