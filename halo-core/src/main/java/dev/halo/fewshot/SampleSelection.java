package dev.halo.fewshot;

import java.util.SplittableRandom;

/**
 * Which architectures of a device's kept train pool to measure as the few-shot samples. HELP draws them at
 * random ({@link #RANDOM}, the default, for comparability with published numbers); a selection may instead
 * spread them over the space. A selection sees the pool rows and the reference rows, never the device's
 * latencies (the pool's trimming is HELP's protocol, the same for every selection).
 */
public interface SampleSelection {
    /** HELP's uniform draw without replacement. */
    SampleSelection RANDOM = new SampleSelection() {
        @Override
        public String name() {
            return "random";
        }

        @Override
        public int[] choose(int[] pool, int[] referenceRows, int samples, SplittableRandom rng) {
            int[] p = pool.clone();
            for (int i = 0; i < samples; i++) { // partial Fisher-Yates: the first `samples` entries are the draw
                int j = i + rng.nextInt(p.length - i);
                int t = p[i];
                p[i] = p[j];
                p[j] = t;
            }
            return java.util.Arrays.copyOf(p, samples);
        }
    };

    String name();

    /** {@code samples} distinct rows of {@code pool} ({@code samples <= pool.length}); randomness only from {@code rng}. */
    int[] choose(int[] pool, int[] referenceRows, int samples, SplittableRandom rng);
}
