package dev.halo.space;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.data.Tensor;
import dev.halo.data.TorchCheckpoint;
import dev.halo.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Nb201Graph}'s reconstructed layout against HELP's released NAS-Bench-201 checkpoint: the
 * meta-learned GCN, run without any adaptation, must already rank the query pool (archs 900..1899) of a meta-valid
 * device well when fed our encoding, and must rank it badly when the op columns are permuted. The tiny forward
 * pass below is an independent oracle written from HELP's net.py (four graph convolutions, last node, hardware
 * embedding branch, three linear layers), not the project's predictor.
 */
class Nb201HelpCheckpointTest {
    /**
     * HELP's meta-valid devices: the encoding is checked where HELP selects models, never on its test devices
     * (their data must not steer any choice of halo's).
     */
    private static final List<String> DEVICES = List.of("titanx_1", "titanx_32", "titanx_256", "gold_6240");
    private static Map<String, Tensor> model;
    private static final Map<String, double[]> LATENCY = new java.util.HashMap<>();
    private static double[] latency;
    private static double[] hwEmbed;
    private static final Nb201Space SPACE = new Nb201Space();

    @BeforeAll
    static void load() throws IOException {
        Path dir = SharedData.path("help/nasbench201");
        model = TorchCheckpoint.read(dir.resolve("checkpoint/help_max_corr.pt")).model();
        List<String> lines = Files.readAllLines(dir.resolve("latency.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        for (String device : DEVICES) LATENCY.put(device, new double[Nb201Space.SIZE]);
        for (int i = 0; i < Nb201Space.SIZE; i++) {
            String[] f = lines.get(i + 1).split(",");
            for (String device : DEVICES) LATENCY.get(device)[i] = Double.parseDouble(f[header.indexOf(device)]);
        }
        List<String> ref = Files.readAllLines(dir.resolve("hw_embedding_index.csv"));
        for (int i = 0; i < 10; i++) REFERENCE[i] = Integer.parseInt(ref.get(i + 1).split(",")[1]);
    }

    private static final int[] REFERENCE = new int[10];

    /** HELP's hardware embedding: the 10 reference archs' latencies, min-max scaled to [0, 1]. */
    private static void useDevice(String device) {
        latency = LATENCY.get(device);
        hwEmbed = new double[10];
        for (int i = 0; i < 10; i++) hwEmbed[i] = latency[REFERENCE[i]];
        double min = Arrays.stream(hwEmbed).min().orElseThrow(), max = Arrays.stream(hwEmbed).max().orElseThrow();
        for (int i = 0; i < 10; i++) hwEmbed[i] = (hwEmbed[i] - min) / (max - min);
    }

    @Test
    void helpCheckpointRanksUnseenDeviceWithOurEncoding() {
        assertThat(model.get("meta_learner.gc1.weight").shape()).containsExactly(Nb201Graph.FEATURES, 100);
        for (String device : DEVICES) {
            useDevice(device);
            double ours = queryPoolSpearman(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
            // The alternative wiring, on the first device only (it ranks like ours; the check is for the record).
            double cellDag = device.equals(DEVICES.get(0)) ? queryPoolSpearman(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, Nb201Graph.Wiring.CELL_DAG) : Double.NaN;
            // Columns in NAS-Bench-201's own op order (none, skip, 1x1, 3x3, avg at columns 1..5) instead.
            double nb201Order = queryPoolSpearman(new int[] {0, 4, 5, 2, 3, 1, 6, 7});
            System.out.printf("[nb201-graph-check] %s: spearman ours %.3f, cell-dag wiring %.3f, nb201-op-order %.3f%n", device, ours,
                    cellDag, nb201Order);
            assertThat(ours).as(device).isGreaterThan(0.8);
            assertThat(nb201Order).as(device).isLessThan(0.2);
        }
    }

    /** Spearman of the un-adapted prediction vs the current device's measured latency; {@code perm[c]} = new column of column c. */
    private static double queryPoolSpearman(int[] perm) {
        return queryPoolSpearman(perm, Nb201Graph.Wiring.HELP);
    }

    private static double queryPoolSpearman(int[] perm, Nb201Graph.Wiring wiring) {
        double[][] embeddings = EMBEDDINGS.computeIfAbsent(Arrays.toString(perm) + wiring, k -> {
            double[][] e = new double[1000][];
            for (int i = 0; i < 1000; i++) {
                Nb201Graph g = SPACE.graph(SPACE.fromIndex(900 + i), wiring);
                double[][] f = new double[Nb201Graph.NODES][Nb201Graph.FEATURES];
                for (int r = 0; r < f.length; r++) for (int c = 0; c < f[r].length; c++) f[r][perm[c]] = g.features()[r][c];
                e[i] = graphEmbedding(g.adjacency(), f);
            }
            return e;
        });
        double[] hw = linear(linear(hwEmbed, "fc_hw1", true), "fc_hw2", true);
        double[] predicted = new double[1000];
        double[] measured = new double[1000];
        for (int i = 0; i < 1000; i++) {
            predicted[i] = head(embeddings[i], hw);
            measured[i] = latency[900 + i];
        }
        return spearman(predicted, measured);
    }

    /** The graph branch does not depend on the device, so it is computed once per layout. */
    private static final Map<String, double[][]> EMBEDDINGS = new java.util.HashMap<>();

    /** Four graph convolutions (ReLU after each); the global (last) node's output represents the graph. */
    private static double[] graphEmbedding(double[][] adj, double[][] features) {
        double[][] h = features;
        for (int layer = 1; layer <= 4; layer++) {
            double[][] w = matrix("meta_learner.gc" + layer + ".weight"); // in x out
            float[] b = model.get("meta_learner.gc" + layer + ".bias").data();
            double[][] support = new double[h.length][w[0].length];
            for (int n = 0; n < h.length; n++)
                for (int k = 0; k < w.length; k++) for (int j = 0; j < w[0].length; j++) support[n][j] += h[n][k] * w[k][j];
            double[][] out = new double[h.length][w[0].length];
            for (int n = 0; n < h.length; n++)
                for (int j = 0; j < w[0].length; j++) {
                    double s = b[j];
                    for (int m = 0; m < h.length; m++) s += adj[n][m] * support[m][j];
                    out[n][j] = Math.max(0, s);
                }
            h = out;
        }
        return h[h.length - 1];
    }

    private static double head(double[] graph, double[] hw) {
        double[] x = new double[graph.length + hw.length];
        System.arraycopy(graph, 0, x, 0, graph.length);
        System.arraycopy(hw, 0, x, graph.length, hw.length);
        return linear(linear(linear(x, "fc3", true), "fc4", true), "fc5", false)[0];
    }

    private static double[] linear(double[] x, String name, boolean relu) {
        double[][] w = matrix("meta_learner." + name + ".weight"); // out x in
        float[] b = model.get("meta_learner." + name + ".bias").data();
        double[] y = new double[w.length];
        for (int o = 0; o < w.length; o++) {
            double s = b[o];
            for (int i = 0; i < x.length; i++) s += w[o][i] * x[i];
            y[o] = relu ? Math.max(0, s) : s;
        }
        return y;
    }

    private static final Map<String, double[][]> MATRICES = new java.util.HashMap<>();

    private static double[][] matrix(String key) {
        return MATRICES.computeIfAbsent(key, k -> {
            Tensor t = model.get(k);
            float[] d = t.data();
            double[][] m = new double[t.size(0)][t.size(1)];
            for (int r = 0; r < m.length; r++) for (int c = 0; c < m[r].length; c++) m[r][c] = d[r * m[r].length + c];
            return m;
        });
    }

    private static double spearman(double[] a, double[] b) {
        double[] x = ranks(a), y = ranks(b);
        double mx = Arrays.stream(x).average().orElseThrow(), my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) idx[i] = i;
        Arrays.sort(idx, Comparator.comparingDouble(i -> v[i]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; ) {
            int j = i;
            while (j + 1 < v.length && v[idx[j + 1]] == v[idx[i]]) j++;
            for (int k = i; k <= j; k++) r[idx[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return r;
    }
}
