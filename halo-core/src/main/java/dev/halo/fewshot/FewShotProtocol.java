package dev.halo.fewshot;

import dev.halo.BadInputException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * HELP's few-shot protocol on a latency table (loader.py, {@code remove_outlier=True}):
 * <ul>
 *   <li>two pools of rows, the same for all devices ({@link Pools});</li>
 *   <li>per device and pool, only the rows whose latency rank lies in {@code [int(0.1 n), int(0.9 n))} are
 *       kept (HELP drops the fastest and slowest 10 % as outliers);</li>
 *   <li>a task = the device's reference latencies + {@code N} rows drawn at random from its kept train pool;
 *       the method is scored on the kept query pool.</li>
 * </ul>
 * Without references ({@link #withoutReferences()}) a task knows its {@code N} samples only: NASFLAT's protocol
 * counts every latency known on the new device, and has no reference set.
 * Ranks are taken on float32 values, as HELP does; among tied latencies the lower row ranks first (HELP's
 * unstable {@code np.argsort} may keep other members of a tie at the 10 %/90 % borders, but the same
 * latency values). Samples are drawn from a generator seeded by (seed, device name), so a device's tasks do
 * not depend on which other devices are evaluated.
 */
public final class FewShotProtocol {
    private final LatencyTable table;
    private final Pools pools;
    private final Map<String, int[]> keptTrain = new ConcurrentHashMap<>();
    private final Map<String, int[]> keptQuery = new ConcurrentHashMap<>();
    private final boolean references;

    public FewShotProtocol(LatencyTable table, Pools pools) {
        this(table, pools, true);
    }

    private FewShotProtocol(LatencyTable table, Pools pools, boolean references) {
        this.table = table;
        this.pools = pools.checkFits(table.archCount());
        this.references = references;
    }

    /** The same protocol, with tasks that do not know the reference latencies. */
    public FewShotProtocol withoutReferences() {
        return new FewShotProtocol(table, pools, false);
    }

    /** Whether tasks know the device's latencies on the reference architectures. */
    public boolean references() {
        return references;
    }

    public LatencyTable table() {
        return table;
    }

    public Pools pools() {
        return pools;
    }

    /** The device's kept train-pool rows, ascending. */
    public int[] keptTrainPool(String device) {
        return keptTrain.computeIfAbsent(device, d -> trimmed(table.latencies(d), 0, pools.trainSize())).clone();
    }

    /** The device's kept query-pool rows, ascending. */
    public int[] keptQueryPool(String device) {
        return keptQuery.computeIfAbsent(device, d -> trimmed(table.latencies(d), pools.queryFrom(), pools.queryTo())).clone();
    }

    /**
     * Rows {@code from..to-1} whose latency rank within that range is in {@code [int(0.1 n), int(0.9 n))},
     * returned in ascending row order.
     */
    public static int[] trimmed(double[] latency, int from, int to) {
        int n = to - from;
        int[] byLatency = IntStream.range(from, to).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> (float) latency[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
        int[] kept = Arrays.copyOfRange(byLatency, (int) (n * 0.1), (int) (n * 0.9));
        Arrays.sort(kept);
        return kept;
    }

    /**
     * The few-shot task for {@code device}: {@code samples} distinct rows drawn at random from its kept train
     * pool with a generator seeded by ({@code seed}, device).
     */
    public FewShotTask task(String device, int samples, long seed) {
        return task(device, samples, seed, SampleSelection.RANDOM);
    }

    /** As {@link #task(String, int, long)}, with the samples chosen by {@code selection} (same generator). */
    public FewShotTask task(String device, int samples, long seed, SampleSelection selection) {
        int[] pool = keptTrainPool(device);
        if (samples < 1) throw new BadInputException("--samples must be at least 1, got " + samples);
        if (samples > pool.length)
            throw new BadInputException("--samples " + samples + " exceeds the " + pool.length + " kept train-pool architectures of " + device);
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ device.hashCode());
        int[] ref = references ? table.referenceArchIndices() : new int[0];
        int[] sample = selection.choose(pool, ref, samples, rng);
        double[] lat = table.latencies(device);
        return new FewShotTask(device, seed, ref, gather(lat, ref), sample, gather(lat, sample), keptQueryPool(device));
    }

    /** {@code values[rows[i]]} for each i. */
    public static double[] gather(double[] values, int[] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = values[rows[i]];
        return out;
    }
}
