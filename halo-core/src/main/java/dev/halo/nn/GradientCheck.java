package dev.halo.nn;

import java.util.function.ToDoubleFunction;

/** Central finite differences, the reference every hand-written backward pass is tested against. */
public final class GradientCheck {
    private GradientCheck() {}

    /** {@code (f(p + eps e_i) - f(p - eps e_i)) / 2 eps} for every scalar of {@code at}. */
    public static Params numericGradient(ToDoubleFunction<Params> f, Params at, double eps) {
        double[] x = at.flatten(), g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + eps;
            double plus = f.applyAsDouble(at.unflatten(x));
            x[i] = keep - eps;
            double minus = f.applyAsDouble(at.unflatten(x));
            x[i] = keep;
            g[i] = (plus - minus) / (2 * eps);
        }
        return at.unflatten(g);
    }

    /** Largest {@code |a - b| / max(1e-8, |a| + |b|)} over all scalars: a scale-free disagreement measure. */
    public static double maxRelativeError(Params a, Params b) {
        double[] x = a.flatten(), y = b.flatten();
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double denom = Math.max(1e-8, Math.abs(x[i]) + Math.abs(y[i]));
            worst = Math.max(worst, Math.abs(x[i] - y[i]) / denom);
        }
        return worst;
    }

    /** {@code |a - b| / (|a| + |b|)} on whole vectors: robust where single entries sit on ReLU kinks. */
    public static double relativeDistance(Params a, Params b) {
        double[] x = a.flatten(), y = b.flatten();
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < x.length; i++) {
            d += (x[i] - y[i]) * (x[i] - y[i]);
            na += x[i] * x[i];
            nb += y[i] * y[i];
        }
        return Math.sqrt(d) / Math.max(1e-12, Math.sqrt(na) + Math.sqrt(nb));
    }
}
