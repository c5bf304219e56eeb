package dev.halo.fewshot;

import java.util.Arrays;

/**
 * Everything a few-shot method may know about a new device: its latencies on the reference architectures
 * (the hardware embedding, raw ms) and on a few sampled architectures, plus the rows it will be asked to
 * rank. It deliberately carries no query latencies. Arrays are copies; rows index the benchmark table.
 *
 * @param device name of the device (for reports only; a method must not look it up)
 * @param seed the seed that drew the samples
 */
public record FewShotTask(
        String device,
        long seed,
        int[] referenceIndices,
        double[] referenceLatencies,
        int[] sampleIndices,
        double[] sampleLatencies,
        int[] queryIndices) {
    public FewShotTask {
        if (referenceIndices.length != referenceLatencies.length || sampleIndices.length != sampleLatencies.length)
            throw new IllegalArgumentException("indices and latencies differ in length");
        referenceIndices = referenceIndices.clone();
        referenceLatencies = referenceLatencies.clone();
        sampleIndices = sampleIndices.clone();
        sampleLatencies = sampleLatencies.clone();
        queryIndices = queryIndices.clone();
    }

    // Accessors hand out copies so that a method cannot alter the task another method sees.
    @Override public int[] referenceIndices() { return referenceIndices.clone(); }
    @Override public double[] referenceLatencies() { return referenceLatencies.clone(); }
    @Override public int[] sampleIndices() { return sampleIndices.clone(); }
    @Override public double[] sampleLatencies() { return sampleLatencies.clone(); }
    @Override public int[] queryIndices() { return queryIndices.clone(); }

    /**
     * Distinct rows whose latency is known on the device: the reference rows, then the sample rows that are
     * not reference rows (a sample can be a reference architecture; counting it twice would weigh it double).
     */
    public int[] knownIndices() {
        var rows = new java.util.LinkedHashSet<Integer>();
        for (int r : referenceIndices) rows.add(r);
        for (int s : sampleIndices) rows.add(s);
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Latencies (ms) of {@link #knownIndices()}, same order. */
    public double[] knownLatencies() {
        var byRow = new java.util.HashMap<Integer, Double>();
        for (int i = 0; i < referenceIndices.length; i++) byRow.put(referenceIndices[i], referenceLatencies[i]);
        for (int i = 0; i < sampleIndices.length; i++) byRow.put(sampleIndices[i], sampleLatencies[i]);
        return Arrays.stream(knownIndices()).mapToDouble(byRow::get).toArray();
    }

    /** HELP's hardware embedding: the reference latencies min-max scaled to [0, 1] over those values. */
    public double[] hardwareEmbedding() {
        double min = Arrays.stream(referenceLatencies).min().orElse(0);
        double max = Arrays.stream(referenceLatencies).max().orElse(1);
        double[] e = new double[referenceLatencies.length];
        for (int i = 0; i < e.length; i++) e[i] = max > min ? (referenceLatencies[i] - min) / (max - min) : 0;
        return e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FewShotTask t && device.equals(t.device) && seed == t.seed
                && Arrays.equals(referenceIndices, t.referenceIndices) && Arrays.equals(referenceLatencies, t.referenceLatencies)
                && Arrays.equals(sampleIndices, t.sampleIndices) && Arrays.equals(sampleLatencies, t.sampleLatencies)
                && Arrays.equals(queryIndices, t.queryIndices);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * device.hashCode() + Long.hashCode(seed)) + Arrays.hashCode(sampleIndices);
    }

    @Override
    public String toString() {
        return "FewShotTask[" + device + ", seed " + seed + ", samples " + Arrays.toString(sampleIndices) + "]";
    }
}
