package dev.halo.predict.help;

import java.util.Arrays;
import java.util.Comparator;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * HELP's data protocol for one search space: the meta-train pool {@code [0, trainPool)} and the query pool
 * {@code [trainPool, trainPool + queryPool)} of arch indices, each trimmed per device to the 10–90 % latency
 * rank band; targets min-max normalised over the kept train pool into [0.05, 0.95]; hardware embedding =
 * the reference archs' latencies min-max normalised to [0, 1].
 */
public record HelpProtocol(int trainPool, int queryPool) {
    public static final HelpProtocol NASBENCH201 = new HelpProtocol(900, 1000);
    public static final HelpProtocol FBNET = new HelpProtocol(4000, 1000);

    public static HelpProtocol forSpace(String space) {
        return space.equals("fbnet") ? FBNET : NASBENCH201;
    }

    /** Arch indices in {@code [from, from + n)} whose latency rank is within the 10–90 % band. */
    static int[] trimmed(double[] latency, int from, int n) {
        Integer[] order = IntStream.range(from, from + n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> latency[i]).thenComparingInt(i -> i));
        int lo = (int) (n * 0.1), hi = (int) (n * 0.9);
        return Arrays.stream(order, lo, hi).mapToInt(Integer::intValue).toArray();
    }

    public int[] keptTrain(double[] latency) {
        return trimmed(latency, 0, trainPool);
    }

    public int[] keptQuery(double[] latency) {
        return trimmed(latency, trainPool, queryPool);
    }

    /** HELP's target scaling {@code (x - m) / (M - m) * 0.9 + 0.05}, m/M over the kept train pool. */
    public TargetScale targetScale(double[] latency) {
        double m = Double.POSITIVE_INFINITY, M = Double.NEGATIVE_INFINITY;
        for (int i : keptTrain(latency)) {
            m = Math.min(m, latency[i]);
            M = Math.max(M, latency[i]);
        }
        return new TargetScale(m, M);
    }

    /** Affine map between milliseconds and HELP's normalised target. */
    public record TargetScale(double minMs, double maxMs) {
        public double normalise(double ms) {
            return (ms - minMs) / (maxMs - minMs) * 0.9 + 0.05;
        }

        public double denormalise(double y) {
            return (y - 0.05) / 0.9 * (maxMs - minMs) + minMs;
        }

        public double[] normalise(double[] latency, int[] index) {
            double[] y = new double[index.length];
            for (int i = 0; i < y.length; i++) y[i] = normalise(latency[index[i]]);
            return y;
        }
    }

    /** Latencies of the reference archs min-max normalised to [0, 1]. */
    public static double[] hardwareEmbedding(double[] referenceLatenciesMs) {
        double m = Arrays.stream(referenceLatenciesMs).min().orElseThrow(), M = Arrays.stream(referenceLatenciesMs).max().orElseThrow();
        if (!(M > m)) throw new dev.halo.BadInputException("reference latencies are all equal (" + m + " ms): no hardware signal");
        double[] e = new double[referenceLatenciesMs.length];
        for (int i = 0; i < e.length; i++) e[i] = (referenceLatenciesMs[i] - m) / (M - m);
        return e;
    }

    public static double[] hardwareEmbedding(double[] latency, int[] referenceArchs) {
        double[] r = new double[referenceArchs.length];
        for (int i = 0; i < r.length; i++) r[i] = latency[referenceArchs[i]];
        return hardwareEmbedding(r);
    }

    /** One few-shot task of a device: support drawn from the kept train pool, query given by the caller. */
    public record Task(String device, double[] hardware, int[] support, double[] supportTargets, int[] query, double[] queryTargets) {}

    /** HELP's meta-test task: {@code shots} random kept-train archs as support, the whole kept query pool as query. */
    public Task testTask(HelpData data, String device, int shots, RandomGenerator rng) {
        double[] lat = data.latency(device);
        int[] pool = shuffled(keptTrain(lat), rng);
        int[] support = Arrays.copyOf(pool, shots);
        int[] query = keptQuery(lat);
        TargetScale s = targetScale(lat);
        return new Task(device, hardwareEmbedding(lat, data.referenceArchs()), support, s.normalise(lat, support), query, s.normalise(lat, query));
    }

    /** HELP's meta-training task: support and a disjoint query of {@code queryShots}, both from the kept train pool. */
    public Task trainTask(HelpData data, String device, int shots, int queryShots, RandomGenerator rng) {
        double[] lat = data.latency(device);
        int[] pool = shuffled(keptTrain(lat), rng);
        int[] support = Arrays.copyOf(pool, shots);
        int[] query = Arrays.copyOfRange(pool, shots, Math.min(pool.length, shots + queryShots));
        TargetScale s = targetScale(lat);
        return new Task(device, hardwareEmbedding(lat, data.referenceArchs()), support, s.normalise(lat, support), query, s.normalise(lat, query));
    }

    static int[] shuffled(int[] a, RandomGenerator rng) {
        int[] b = a.clone();
        for (int i = b.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
        return b;
    }
}
