package dev.halo.measure;

/** Times one architecture, given by its canonical string. Failures come back as {@link Outcome.Failed}, not exceptions. */
@FunctionalInterface
public interface LatencyMeter {
    Outcome measure(String canonicalArch);
}
