package dev.halo.predict.ensemble;

/** Split-conformal style half-widths from leave-one-out relative errors. */
public final class Jackknife {
    private Jackknife() {}

    /** The ⌈(n+1)·level⌉-th smallest of the n sorted errors (the largest if the rank exceeds n). */
    public static double halfWidth(double[] sortedErrors, double level) {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("interval level must be in (0, 1), got " + level);
        int n = sortedErrors.length;
        int rank = (int) Math.ceil((n + 1) * level);
        return sortedErrors[Math.min(rank, n) - 1];
    }
}
