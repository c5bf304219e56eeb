package dev.halo.measure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures a list of architectures over several rounds on one device, writing each outcome to the store as soon as
 * it exists. Each round visits every architecture once, in its own shuffled order, so slow drift of the machine
 * (thermal state, neighbours' load) spreads over all architectures instead of biasing the ones measured last.
 *
 * <p>A campaign is resumable: (architecture, round) pairs already in the store are skipped, so running the same
 * campaign again after a crash or Ctrl-C continues where it stopped.
 */
public final class MeasurementCampaign {
    /** Receives progress; called on the measuring thread. */
    public interface Listener {
        /** {@code alreadyDone} of {@code total} (architecture, round) pairs were in the store before this run. */
        default void started(int total, int alreadyDone) {}

        default void measured(String canonical, int round, Outcome outcome) {}
    }

    /** What one run of the campaign did. */
    public record Summary(int total, int alreadyDone, int measured, int failed, boolean stopped) {}

    private final MeasurementStore store;
    private final long deviceId;
    private final String space;
    private final List<String> archs;
    private final int firstRound;
    private final int lastRound;
    private final long seed;
    private final String settingsJson;
    private final LatencyMeter meter;
    private final AtomicBoolean stop = new AtomicBoolean();

    /**
     * @param archs canonical architecture strings (duplicates are measured once)
     * @param firstRound first round number (1 for a fresh campaign; higher to add repeat rounds)
     * @param lastRound last round number, inclusive
     * @param seed seeds the per-round shuffles
     */
    public MeasurementCampaign(MeasurementStore store, long deviceId, String space, List<String> archs,
            int firstRound, int lastRound, long seed, String settingsJson, LatencyMeter meter) {
        if (firstRound < 1 || lastRound < firstRound)
            throw new IllegalArgumentException("rounds must satisfy 1 <= first (" + firstRound + ") <= last (" + lastRound + ")");
        this.store = store;
        this.deviceId = deviceId;
        this.space = space;
        this.archs = List.copyOf(new LinkedHashSet<>(archs));
        this.firstRound = firstRound;
        this.lastRound = lastRound;
        this.seed = seed;
        this.settingsJson = settingsJson;
        this.meter = meter;
    }

    /** Asks a running campaign to stop after the architecture it is timing now (safe from any thread). */
    public void requestStop() {
        stop.set(true);
    }

    public Summary run(Listener listener) {
        Map<String, Set<Integer>> done = store.roundsDone(deviceId, space);
        int total = archs.size() * (lastRound - firstRound + 1);
        int alreadyDone = 0;
        for (String a : archs)
            for (int r = firstRound; r <= lastRound; r++)
                if (done.getOrDefault(a, Set.of()).contains(r)) alreadyDone++;
        listener.started(total, alreadyDone);
        int measured = 0;
        int failed = 0;
        for (int round = firstRound; round <= lastRound; round++) {
            for (String arch : order(round)) {
                if (done.getOrDefault(arch, Set.of()).contains(round)) continue;
                if (stop.get()) return new Summary(total, alreadyDone, measured, failed, true);
                Instant start = Instant.now();
                Outcome outcome = meter.measure(arch);
                store.record(deviceId, space, arch, round, settingsJson, outcome, start, Instant.now());
                measured++;
                if (outcome instanceof Outcome.Failed) failed++;
                listener.measured(arch, round, outcome);
            }
        }
        return new Summary(total, alreadyDone, measured, failed, stop.get());
    }

    /** The visiting order of one round: a shuffle that depends only on the seed and the round number. */
    List<String> order(int round) {
        List<String> order = new ArrayList<>(archs);
        Collections.shuffle(order, new Random(seed * 1_000_003L + round));
        return order;
    }
}
