package dev.halo.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Gradient-boosted regression trees for weighted squared loss, small and deterministic: each feature is cut at up to
 * {@value #BINS} quantiles of the training data, trees grow level by level on histograms of those bins, leaves are
 * shrunk by an L2 penalty and the learning rate. Enough for a kernel cost model (tens of thousands of kernels, a few
 * dozen features) to fit in seconds in plain Java, and small enough to store as JSON.
 */
public final class BoostedTrees {
    static final int BINS = 64;

    /**
     * @param trees boosting rounds
     * @param depth levels per tree
     * @param learningRate shrinkage of every leaf
     * @param minLeafWeight smallest total sample weight a leaf may hold
     * @param lambda L2 penalty on leaf values (in units of sample weight)
     * @param subsample fraction of rows each tree sees (drawn with {@code seed})
     * @param members how many fits with seeds {@code seed, seed + 1, ...} are averaged (their leaf values divided by
     *     this, their bases averaged): a variance reduction that keeps the result one set of trees
     */
    public record Params(int trees, int depth, double learningRate, double minLeafWeight, double lambda, double subsample, long seed, int members) {
        public Params {
            if (trees < 1 || depth < 1 || depth > 12) throw new IllegalArgumentException("trees >= 1 and depth in 1..12");
            if (members < 1) throw new IllegalArgumentException("members >= 1");
            if (!(learningRate > 0 && learningRate <= 1)) throw new IllegalArgumentException("learning rate in (0, 1]");
            if (!(subsample > 0 && subsample <= 1)) throw new IllegalArgumentException("subsample in (0, 1]");
            if (!(minLeafWeight >= 0) || !(lambda >= 0)) throw new IllegalArgumentException("minLeafWeight and lambda >= 0");
        }

        /** One fit, not an average. */
        public Params(int trees, int depth, double learningRate, double minLeafWeight, double lambda, double subsample, long seed) {
            this(trees, depth, learningRate, minLeafWeight, lambda, subsample, seed, 1);
        }

        /**
         * What {@code halo model fit} and {@code onboard} build: 300 trees of depth 6, averaged over three seeds since
         * session 13 (docs/results/kernels.md: the zoo check rose on both machines' corpora by a rule fixed first).
         */
        public static Params defaults() {
            return new Params(300, 6, 0.1, 1e-3, 1e-3, 0.8, 7, 3);
        }

        /** The same with {@code m} averaged members. */
        public Params withMembers(int m) {
            return new Params(trees, depth, learningRate, minLeafWeight, lambda, subsample, seed, m);
        }
    }

    /**
     * One tree as parallel arrays: an inner node sends {@code x[feature] <= threshold} left; a leaf has feature -1.
     * Node 0 is the root.
     */
    public record Tree(int[] feature, double[] threshold, int[] left, int[] right, double[] value) {
        public Tree {
            int n = feature.length;
            if (threshold.length != n || left.length != n || right.length != n || value.length != n)
                throw new IllegalArgumentException("tree arrays differ in length");
            feature = feature.clone();
            threshold = threshold.clone();
            left = left.clone();
            right = right.clone();
            value = value.clone();
        }

        double predict(double[] x) {
            int i = 0;
            while (feature[i] >= 0) i = x[feature[i]] <= threshold[i] ? left[i] : right[i];
            return value[i];
        }
    }

    private final double base;
    private final List<Tree> trees;
    private final int features;

    public BoostedTrees(double base, List<Tree> trees, int features) {
        if (!Double.isFinite(base)) throw new IllegalArgumentException("base must be finite");
        this.base = base;
        this.trees = List.copyOf(trees);
        this.features = features;
    }

    public double base() {
        return base;
    }

    public List<Tree> trees() {
        return trees;
    }

    public int features() {
        return features;
    }

    public double predict(double[] x) {
        if (x.length != features) throw new IllegalArgumentException("expected " + features + " features, got " + x.length);
        double s = base;
        for (Tree t : trees) s += t.predict(x);
        return s;
    }

    /** Fits {@code y} from rows {@code x} with sample weights {@code w} (all rows the same length). */
    public static BoostedTrees fit(double[][] x, double[] y, double[] w, Params p) {
        if (p.members() == 1) return fitOne(x, y, w, p);
        double base = 0;
        List<Tree> trees = new ArrayList<>();
        for (int m = 0; m < p.members(); m++) {
            BoostedTrees one = fitOne(x, y, w, new Params(p.trees(), p.depth(), p.learningRate(), p.minLeafWeight(), p.lambda(), p.subsample(), p.seed() + m));
            base += one.base() / p.members();
            for (Tree t : one.trees()) {
                double[] value = t.value().clone();
                for (int i = 0; i < value.length; i++) value[i] /= p.members();
                trees.add(new Tree(t.feature(), t.threshold(), t.left(), t.right(), value));
            }
        }
        return new BoostedTrees(base, trees, x[0].length);
    }

    private static BoostedTrees fitOne(double[][] x, double[] y, double[] w, Params p) {
        int n = x.length;
        if (n == 0 || y.length != n || w.length != n) throw new IllegalArgumentException("x, y and w must be non-empty and of one length");
        int d = x[0].length;
        double[][] cuts = new double[d][];
        byte[][] bin = new byte[d][n];
        for (int f = 0; f < d; f++) {
            cuts[f] = cuts(x, f);
            for (int i = 0; i < n; i++) bin[f][i] = (byte) binOf(cuts[f], x[i][f]);
        }
        double sw = 0, swy = 0;
        for (int i = 0; i < n; i++) {
            sw += w[i];
            swy += w[i] * y[i];
        }
        double base = swy / sw;
        double[] pred = new double[n];
        Arrays.fill(pred, base);
        double[] residual = new double[n];
        SplittableRandom random = new SplittableRandom(p.seed());
        List<Tree> trees = new ArrayList<>();
        for (int t = 0; t < p.trees(); t++) {
            for (int i = 0; i < n; i++) residual[i] = y[i] - pred[i];
            int[] rows = sample(n, p.subsample(), random);
            Tree tree = grow(bin, cuts, residual, w, rows, p);
            for (int i = 0; i < n; i++) pred[i] += tree.predict(x[i]);
            trees.add(tree);
        }
        return new BoostedTrees(base, trees, d);
    }

    private static int[] sample(int n, double fraction, SplittableRandom random) {
        if (fraction >= 1) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] out = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) if (random.nextDouble() < fraction) out[m++] = i;
        return Arrays.copyOf(out, Math.max(m, 1));
    }

    /** Up to BINS - 1 distinct quantile cut points of feature f; bin b holds values in (cut[b-1], cut[b]]. */
    private static double[] cuts(double[][] x, int f) {
        double[] v = new double[x.length];
        for (int i = 0; i < x.length; i++) v[i] = x[i][f];
        Arrays.sort(v);
        double[] c = new double[BINS - 1];
        int m = 0;
        for (int b = 1; b < BINS; b++) {
            double q = v[Math.min(v.length - 1, (int) ((long) b * v.length / BINS))];
            if (q < v[v.length - 1] && (m == 0 || q > c[m - 1])) c[m++] = q;
        }
        return Arrays.copyOf(c, m);
    }

    private static int binOf(double[] cuts, double value) {
        int lo = 0, hi = cuts.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (value <= cuts[mid]) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    private static Tree grow(byte[][] bin, double[][] cuts, double[] r, double[] w, int[] rows, Params p) {
        int maxNodes = (1 << (p.depth() + 1)) - 1;
        int[] feature = new int[maxNodes];
        double[] threshold = new double[maxNodes];
        int[] left = new int[maxNodes];
        int[] right = new int[maxNodes];
        double[] value = new double[maxNodes];
        Arrays.fill(feature, -1);
        int count = 1;
        int[] nodeOf = new int[r.length];
        List<Integer> frontier = List.of(0);
        int d = bin.length;
        for (int level = 0; level <= p.depth() && !frontier.isEmpty(); level++) {
            int k = frontier.size();
            int[] slot = new int[maxNodes];
            Arrays.fill(slot, -1);
            for (int j = 0; j < k; j++) slot[frontier.get(j)] = j;
            double[] nw = new double[k], nwr = new double[k];
            for (int i : rows) {
                int s = slot[nodeOf[i]];
                if (s < 0) continue;
                nw[s] += w[i];
                nwr[s] += w[i] * r[i];
            }
            for (int j = 0; j < k; j++) value[frontier.get(j)] = p.learningRate() * nwr[j] / (nw[j] + p.lambda());
            if (level == p.depth()) break;
            double[] bestGain = new double[k];
            int[] bestFeature = new int[k];
            int[] bestBin = new int[k];
            Arrays.fill(bestFeature, -1);
            double[][] hw = new double[k][BINS], hwr = new double[k][BINS];
            for (int f = 0; f < d; f++) {
                if (cuts[f].length == 0) continue;
                for (double[] h : hw) Arrays.fill(h, 0);
                for (double[] h : hwr) Arrays.fill(h, 0);
                byte[] bf = bin[f];
                for (int i : rows) {
                    int s = slot[nodeOf[i]];
                    if (s < 0) continue;
                    hw[s][bf[i]] += w[i];
                    hwr[s][bf[i]] += w[i] * r[i];
                }
                for (int j = 0; j < k; j++) {
                    double parent = nwr[j] * nwr[j] / (nw[j] + p.lambda());
                    double lw = 0, lwr = 0;
                    for (int b = 0; b < cuts[f].length; b++) {
                        lw += hw[j][b];
                        lwr += hwr[j][b];
                        double rw = nw[j] - lw, rwr = nwr[j] - lwr;
                        if (lw < p.minLeafWeight() || rw < p.minLeafWeight() || lw <= 0 || rw <= 0) continue;
                        double gain = lwr * lwr / (lw + p.lambda()) + rwr * rwr / (rw + p.lambda()) - parent;
                        if (gain > bestGain[j] + 1e-12) {
                            bestGain[j] = gain;
                            bestFeature[j] = f;
                            bestBin[j] = b;
                        }
                    }
                }
            }
            List<Integer> next = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (bestFeature[j] < 0) continue;
                int node = frontier.get(j);
                feature[node] = bestFeature[j];
                threshold[node] = cuts[bestFeature[j]][bestBin[j]];
                left[node] = count++;
                right[node] = count++;
                next.add(left[node]);
                next.add(right[node]);
            }
            // the sampled rows move down to the children just made; rows outside the sample never enter this tree
            for (int i : rows) {
                int node = nodeOf[i];
                if (feature[node] >= 0 && slot[node] >= 0)
                    nodeOf[i] = bin[feature[node]][i] <= bestBin[slot[node]] ? left[node] : right[node];
            }
            frontier = next;
        }
        return new Tree(Arrays.copyOf(feature, count), Arrays.copyOf(threshold, count), Arrays.copyOf(left, count),
                Arrays.copyOf(right, count), Arrays.copyOf(value, count));
    }
}
