package dev.halo.cli.measure;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.MeasureSettings;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Mixin: how to time ({@code --threads --batch --opt ...}), shared by the commands that run ONNX Runtime. */
public final class MeasureOptions {
    private static final MeasureSettings DEFAULTS = MeasureSettings.defaults();

    @Option(names = "--threads", paramLabel = "T", description = "ONNX Runtime intra-op threads (default: 1).")
    int threads = DEFAULTS.intraOpThreads();

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: 1).")
    int batch = DEFAULTS.batch();

    @Option(names = "--opt", paramLabel = "all|none", description = "Graph optimisation level (default: all).")
    String opt = "all";

    @Option(names = "--spinning", description = "Let ORT worker threads spin while idle (off by default: noisier on shared machines).")
    boolean spinning;

    @Option(names = "--cuda", description = "Use the CUDA execution provider (when this ONNX Runtime build has it).")
    boolean cuda;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed runs per architecture and round (default: 5).")
    int warmup = DEFAULTS.warmupRuns();

    @Option(names = "--min-runs", paramLabel = "N", description = "Timed runs before the stopping rule applies (default: 10).")
    int minRuns = DEFAULTS.minRuns();

    @Option(names = "--max-runs", paramLabel = "N", description = "Cap on timed runs per architecture and round (default: 200).")
    int maxRuns = DEFAULTS.maxRuns();

    @Option(names = "--target-ci", paramLabel = "F", description = "Stop when the median's 95%% CI half-width is below this fraction (default: 0.02).")
    double targetCi = DEFAULTS.targetRelCi();

    @Option(names = "--max-seconds", paramLabel = "S", description = "Time cap per architecture and round (default: 3).")
    double maxSeconds = DEFAULTS.maxSecondsPerArch();

    @Option(names = "--timeout", paramLabel = "S", description = "A session slower than this to set up, or a single run slower than this, fails (default: 60).")
    double timeout = DEFAULTS.timeoutSeconds();

    @Option(names = "--allow-oversubscribe", description = "Allow --threads above this machine's processor count (the rows are stored flagged as oversubscribed).")
    boolean allowOversubscribe;

    public MeasureSettings settings() {
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > cores && !allowOversubscribe)
            throw new BadInputException("--threads " + threads + " exceeds the " + cores + " processors of this machine; the timings would measure"
                    + " the scheduler (give --allow-oversubscribe to store them anyway, flagged)");
        Limits.check("--threads", threads, 1, 1024);
        Limits.check("--batch", batch, 1, Limits.MAX_BATCH);
        Limits.check("--warmup", warmup, 0, Limits.MAX_WARMUP);
        Limits.check("--min-runs", minRuns, 1, Limits.MAX_RUNS);
        Limits.check("--max-runs", maxRuns, 1, Limits.MAX_RUNS);
        Limits.check("--target-ci", targetCi, 1e-6, 1);
        Limits.check("--max-seconds", maxSeconds, 1e-3, Limits.MAX_SECONDS);
        Limits.check("--timeout", timeout, 1e-3, Limits.MAX_SECONDS);
        GraphOptimization level = switch (opt.strip().toLowerCase(Locale.ROOT)) {
            case "all" -> GraphOptimization.ALL;
            case "none" -> GraphOptimization.NONE;
            default -> throw new BadInputException("--opt must be all or none, got '" + opt + "'");
        };
        return new MeasureSettings(threads, batch, level, spinning, cuda, warmup, minRuns, maxRuns, targetCi, maxSeconds, timeout);
    }
}
