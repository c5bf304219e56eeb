package dev.halo.measure;

import dev.halo.BadInputException;

/**
 * How one architecture is timed.
 *
 * @param intraOpThreads ONNX Runtime intra-op threads (inter-op is always 1: the networks are chains)
 * @param batch batch size of the input
 * @param optimization graph optimisation level
 * @param spinning let idle ORT worker threads spin; off by default because on shared, few-core machines spinning
 *     threads steal the core the next kernel needs (design notes, measured on the 2-vCPU dev VMs: median round-to-round
 *     difference 27 % with ORT's default spinning against 6 % without)
 * @param cuda use the CUDA execution provider (only if ONNX Runtime reports it available)
 * @param warmupRuns untimed runs after the session is created
 * @param minRuns timed runs before the stopping rule is consulted
 * @param maxRuns cap on timed runs
 * @param targetRelCi stop once the relative half-width of the median's 95 % CI is below this
 * @param maxSecondsPerArch stop timing one architecture in one round after this long (the stats so far count)
 * @param timeoutSeconds a session whose creation plus warm-up, or any single run, takes longer fails
 */
public record MeasureSettings(
        int intraOpThreads,
        int batch,
        GraphOptimization optimization,
        boolean spinning,
        boolean cuda,
        int warmupRuns,
        int minRuns,
        int maxRuns,
        double targetRelCi,
        double maxSecondsPerArch,
        double timeoutSeconds) {

    public MeasureSettings {
        if (intraOpThreads < 1) throw new BadInputException("threads must be at least 1, got " + intraOpThreads);
        if (batch < 1) throw new BadInputException("batch must be at least 1, got " + batch);
        if (warmupRuns < 0) throw new BadInputException("warm-up runs must be >= 0, got " + warmupRuns);
        if (minRuns < 1 || maxRuns < minRuns)
            throw new BadInputException("runs must satisfy 1 <= min (" + minRuns + ") <= max (" + maxRuns + ")");
        if (!(targetRelCi > 0)) throw new BadInputException("target relative CI must be > 0, got " + targetRelCi);
        if (!(maxSecondsPerArch > 0) || !(timeoutSeconds > 0))
            throw new BadInputException("time limits must be > 0 seconds");
    }

    /** Defaults: 1 thread, batch 1, optimisation ALL, no spinning, CPU, 5 warm-up runs, 10-200 runs, 2 % CI, 3 s, 60 s. */
    public static MeasureSettings defaults() {
        return new MeasureSettings(1, 1, GraphOptimization.ALL, false, false, 5, 10, 200, 0.02, 3.0, 60.0);
    }

    public MeasureSettings withThreads(int threads) {
        return new MeasureSettings(threads, batch, optimization, spinning, cuda, warmupRuns, minRuns, maxRuns, targetRelCi, maxSecondsPerArch, timeoutSeconds);
    }

    public MeasureSettings withBatch(int b) {
        return new MeasureSettings(intraOpThreads, b, optimization, spinning, cuda, warmupRuns, minRuns, maxRuns, targetRelCi, maxSecondsPerArch, timeoutSeconds);
    }

    public MeasureSettings withOptimization(GraphOptimization level) {
        return new MeasureSettings(intraOpThreads, batch, level, spinning, cuda, warmupRuns, minRuns, maxRuns, targetRelCi, maxSecondsPerArch, timeoutSeconds);
    }

    public MeasureSettings withRuns(int warmup, int min, int max) {
        return new MeasureSettings(intraOpThreads, batch, optimization, spinning, cuda, warmup, min, max, targetRelCi, maxSecondsPerArch, timeoutSeconds);
    }

    public MeasureSettings withCuda(boolean useCuda) {
        return new MeasureSettings(intraOpThreads, batch, optimization, spinning, useCuda, warmupRuns, minRuns, maxRuns, targetRelCi, maxSecondsPerArch, timeoutSeconds);
    }

    public MeasureSettings withSpinning(boolean spin) {
        return new MeasureSettings(intraOpThreads, batch, optimization, spin, cuda, warmupRuns, minRuns, maxRuns, targetRelCi, maxSecondsPerArch, timeoutSeconds);
    }

    /** Flat JSON of every field, stored with each measurement. */
    public String toJson() {
        return Json.object(
                "intra_op_threads", intraOpThreads, "inter_op_threads", 1, "batch", batch,
                "optimization", optimization.name().toLowerCase(java.util.Locale.ROOT), "spinning", spinning,
                "provider", cuda ? "cuda" : "cpu", "warmup_runs", warmupRuns, "min_runs", minRuns, "max_runs", maxRuns,
                "target_rel_ci", targetRelCi, "max_seconds_per_arch", maxSecondsPerArch, "timeout_seconds", timeoutSeconds);
    }
}
