package dev.halo.predict.help;

/**
 * Target scaling for a device known only through a few samples. HELP normalises a device's targets with the
 * min/max of its whole kept train pool (720 NB201 archs), which an unseen device does not have. Here the
 * pool's range is estimated from the samples: for {@code n} draws from a pool, the smallest and largest
 * sit on average at fractions {@code 1/(n+1)} and {@code n/(n+1)} of the pool's range, so the samples' min
 * and max are mapped there. The model then sees support targets on the same scale as in meta-training, and
 * {@link HelpProtocol.TargetScale#denormalise} turns predictions back into milliseconds.
 */
final class SampleScale {
    private SampleScale() {}

    static HelpProtocol.TargetScale fromSamples(double[] ms) {
        if (ms.length < 2) throw new dev.halo.BadInputException("HELP adaptation needs at least 2 measured samples, got " + ms.length);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : ms) {
            if (!(v > 0) || Double.isInfinite(v)) throw new dev.halo.BadInputException("sample latency must be a positive number of ms, got " + v);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!(hi > lo)) throw new dev.halo.BadInputException("all " + ms.length + " sample latencies are equal (" + lo + " ms): nothing to rank from");
        int n = ms.length;
        double a = 1.0 / (n + 1), b = (double) n / (n + 1);
        double range = (hi - lo) / (b - a);
        double min = lo - a * range;
        return new HelpProtocol.TargetScale(min, min + range);
    }
}
