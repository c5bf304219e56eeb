package dev.halo.space;

/**
 * Re-creates CPython's {@code random.seed(int)} followed by {@code random.shuffle(list)}.
 *
 * <p>NAS-Bench-201's official architecture index is not a formula over the ops: its generator lists all
 * 15,625 cells in lexicographic order and then shuffles that list with {@code random.seed(88)}. Replaying
 * CPython's Mersenne Twister (MT19937, seeded through {@code init_by_array}) and its shuffle (Fisher–Yates
 * from the end, {@code _randbelow} by rejection on {@code getrandbits(n.bit_length())}) reproduces the
 * official order exactly; the unit tests check all 15,625 positions against HELP's table.
 */
final class PythonShuffle {
    private static final int N = 624;
    private static final int M = 397;

    private final int[] mt = new int[N];
    private int next = N;

    private PythonShuffle(long seed) {
        if (seed < 0 || seed > 0xFFFF_FFFFL) throw new IllegalArgumentException("seed must fit 32 unsigned bits");
        seedByArray(new int[] {(int) seed});
    }

    /** The permutation that {@code random.seed(seed); random.shuffle(list(range(n)))} leaves in the list. */
    static int[] shuffledRange(int n, long seed) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = i;
        PythonShuffle rng = new PythonShuffle(seed);
        for (int i = n - 1; i >= 1; i--) {
            int j = rng.randBelow(i + 1);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        return x;
    }

    private void seedGenrand(int s) {
        mt[0] = s;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        next = N;
    }

    private void seedByArray(int[] key) {
        seedGenrand(19650218);
        int i = 1, j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) j = 0;
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    private int nextWord() {
        if (next >= N) {
            for (int k = 0; k < N; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
                mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            next = 0;
        }
        int y = mt[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** CPython's {@code _randbelow_with_getrandbits} for {@code 0 < n < 2^31}. */
    private int randBelow(int n) {
        int k = 32 - Integer.numberOfLeadingZeros(n);
        while (true) {
            int r = nextWord() >>> (32 - k);
            if (r < n) return r;
        }
    }
}
