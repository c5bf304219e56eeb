package dev.halo.stats;

/**
 * Quantiles of the normal and Student-t distributions, accurate to about 1e-4 for the degrees of freedom margins use
 * (≥ 3), and the exact Student-t distribution function for integer degrees of freedom.
 */
public final class StudentT {
    private StudentT() {}

    /** The {@code p}-quantile of Student's t with {@code df} degrees of freedom (Cornish–Fisher expansion around the normal). */
    public static double quantile(double p, int df) {
        if (df < 1) throw new IllegalArgumentException("degrees of freedom must be ≥ 1, got " + df);
        double z = normalQuantile(p), z2 = z * z, v = df;
        double g1 = (z2 + 1) * z / 4;
        double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
        double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
        double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
        return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
    }

    /**
     * {@code P(T ≤ t)} for Student's t with {@code df} degrees of freedom, from the finite series in
     * {@code θ = atan(|t| / sqrt(df))} that integer degrees of freedom allow (exact up to rounding).
     */
    public static double cdf(double t, int df) {
        if (df < 1) throw new IllegalArgumentException("degrees of freedom must be ≥ 1, got " + df);
        if (Double.isNaN(t)) throw new IllegalArgumentException("t is NaN");
        double theta = Math.atan(Math.abs(t) / Math.sqrt(df));
        double c2 = Math.cos(theta) * Math.cos(theta), sin = Math.sin(theta);
        double inside; // P(|T| < |t|)
        if (df % 2 == 1) {
            double term = Math.cos(theta), sum = df > 1 ? term : 0;
            for (int k = 3; k <= df - 2; k += 2) {
                term *= c2 * (k - 1) / k;
                sum += term;
            }
            inside = 2 / Math.PI * (theta + sin * sum);
        } else {
            double term = 1, sum = 1;
            for (int k = 2; k <= df - 2; k += 2) {
                term *= c2 * (k - 1) / k;
                sum += term;
            }
            inside = sin * sum;
        }
        return t >= 0 ? 0.5 + inside / 2 : 0.5 - inside / 2;
    }

    /** The {@code p}-quantile of the standard normal (Acklam's rational approximation, refined by one Halley step). */
    public static double normalQuantile(double p) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        double x;
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - 0.02425) {
            double q = p - 0.5, r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        // One Halley step on erfc brings the approximation to near machine precision.
        double e = 0.5 * erfc(-x / Math.sqrt(2)) - p;
        double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
        return x - u / (1 + x * u / 2);
    }

    /** Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
    public static double erfc(double x) {
        double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
