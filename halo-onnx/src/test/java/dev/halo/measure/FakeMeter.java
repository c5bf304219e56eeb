package dev.halo.measure;

/** A meter that takes {@code sleepMs} per architecture and reports a latency derived from the string's hash. */
record FakeMeter(long sleepMs) implements LatencyMeter {
    @Override
    public Outcome measure(String canonicalArch) {
        try {
            Thread.sleep(sleepMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (canonicalArch.startsWith("fail")) return new Outcome.Failed("cannot time " + canonicalArch);
        double ms = 1 + Math.floorMod(canonicalArch.hashCode(), 100) / 10.0;
        return new Outcome.Measured(new LatencyStats(10, ms, ms, ms, ms, 0.0, 0.0, 0.0));
    }
}
