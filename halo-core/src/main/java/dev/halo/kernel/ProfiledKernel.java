package dev.halo.kernel;

/** A kernel and the mean time the runtime's profiler measured for it per inference (ms). */
public record ProfiledKernel(KernelShape shape, double ms) {
    public ProfiledKernel {
        if (!(ms >= 0) || Double.isInfinite(ms)) throw new IllegalArgumentException(shape.node() + ": kernel time must be finite and >= 0, got " + ms);
    }
}
