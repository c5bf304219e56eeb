package dev.halo.nn;

/** Mean of squared differences over all elements (PyTorch's {@code mse_loss} with mean reduction). */
public final class MeanSquaredError {
    private MeanSquaredError() {}

    public static double value(double[] prediction, double[] target) {
        check(prediction, target);
        double s = 0;
        for (int i = 0; i < prediction.length; i++) {
            double d = prediction[i] - target[i];
            s += d * d;
        }
        return s / prediction.length;
    }

    /** dLoss/dPrediction. */
    public static double[] gradient(double[] prediction, double[] target) {
        check(prediction, target);
        double[] g = new double[prediction.length];
        double k = 2.0 / prediction.length;
        for (int i = 0; i < g.length; i++) g[i] = k * (prediction[i] - target[i]);
        return g;
    }

    private static void check(double[] p, double[] t) {
        if (p.length != t.length || p.length == 0)
            throw new IllegalArgumentException("MSE needs equal, non-empty lengths: " + p.length + " vs " + t.length);
    }
}
