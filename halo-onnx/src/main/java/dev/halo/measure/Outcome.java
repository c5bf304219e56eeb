package dev.halo.measure;

/** The result of timing one architecture once: statistics, or the reason it could not be timed. */
public sealed interface Outcome {
    record Measured(LatencyStats stats) implements Outcome {}

    /** @param reason one line: the exception message, or which limit was exceeded */
    record Failed(String reason) implements Outcome {}
}
