package dev.halo.server.farm;

import dev.halo.BadInputException;
import dev.halo.measure.GraphOptimization;
import dev.halo.measure.MeasureSettings;

/**
 * How a farm task is measured: the few {@link MeasureSettings} a request may set (the rest are halo's defaults, the
 * same as {@code halo measure} and {@code halo onboard} use). Stored with each task as JSON; the agent rebuilds the
 * same {@link MeasureSettings} from it, and the measurement row keeps {@link MeasureSettings#toJson()}.
 */
public record FarmSettings(Integer threads, Integer batch, Integer warmupRuns, Integer minRuns, Integer maxRuns, Double maxSecondsPerArch) {
    /** Every field set: nulls take halo's defaults. */
    public FarmSettings filled() {
        MeasureSettings d = MeasureSettings.defaults();
        return new FarmSettings(threads == null ? d.intraOpThreads() : threads, batch == null ? d.batch() : batch,
                warmupRuns == null ? d.warmupRuns() : warmupRuns, minRuns == null ? d.minRuns() : minRuns, maxRuns == null ? d.maxRuns() : maxRuns,
                maxSecondsPerArch == null ? d.maxSecondsPerArch() : maxSecondsPerArch);
    }

    /** The measurement settings (CPU, optimisation ALL, no spinning); a BadInputException names what is out of range. */
    public MeasureSettings toMeasureSettings() {
        FarmSettings f = filled();
        MeasureSettings d = MeasureSettings.defaults();
        if (f.threads() > 256) throw new BadInputException("threads must be at most 256, got " + f.threads());
        if (f.batch() > 4096) throw new BadInputException("batch must be at most 4096, got " + f.batch());
        if (f.maxRuns() > 100_000) throw new BadInputException("maxRuns must be at most 100000, got " + f.maxRuns());
        if (f.maxSecondsPerArch() != null && f.maxSecondsPerArch() > 3600) throw new BadInputException("maxSecondsPerArch must be at most 3600");
        return new MeasureSettings(f.threads(), f.batch(), GraphOptimization.ALL, false, false, f.warmupRuns(), f.minRuns(), f.maxRuns(), d.targetRelCi(),
                f.maxSecondsPerArch(), d.timeoutSeconds());
    }
}
