package dev.halo.nn;

/**
 * Graph convolution over a batch of small dense graphs, {@code out[g] = adj[g] · (h[g] W) + b}, the layer of
 * Kipf &amp; Welling as HELP uses it: the adjacency is applied as given (HELP feeds the raw 0/1 matrix with
 * self-loops, transposed so that a node sums over its predecessors; there is no degree normalisation).
 * Shapes: {@code h [B, N, in]}, {@code adj [B, N, N]}, {@code W [in, out]} (note: not PyTorch's Linear
 * layout), {@code b [out]}.
 */
public final class GraphConvolution {
    private GraphConvolution() {}

    public record Gradients(Tensor input, Tensor weight, Tensor bias) {}

    public static Tensor forward(Tensor h, Tensor adj, Tensor w, Tensor b) {
        int batch = h.dim(0), nodes = h.dim(1), in = h.dim(2), out = w.dim(1);
        if (w.dim(0) != in) throw new IllegalArgumentException("GraphConvolution: input has " + in + " features, weight expects " + w.dim(0));
        double[] support = support(h.data(), w.data(), batch * nodes, in, out);
        double[] ad = adj.data(), bd = b.data();
        double[] y = new double[batch * nodes * out];
        for (int g = 0; g < batch; g++) {
            for (int j = 0; j < nodes; j++) {
                int yo = (g * nodes + j) * out;
                System.arraycopy(bd, 0, y, yo, out);
                for (int k = 0; k < nodes; k++) {
                    double a = ad[(g * nodes + j) * nodes + k];
                    if (a == 0) continue;
                    int so = (g * nodes + k) * out;
                    for (int o = 0; o < out; o++) y[yo + o] += a * support[so + o];
                }
            }
        }
        return Tensor.of(y, batch, nodes, out);
    }

    /** {@code h W} for {@code rows} rows; skips zero inputs, which are common (one-hot features, ReLU outputs). */
    static double[] support(double[] h, double[] w, int rows, int in, int out) {
        double[] s = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            int ho = r * in, so = r * out;
            for (int i = 0; i < in; i++) {
                double v = h[ho + i];
                if (v == 0) continue;
                int wo = i * out;
                for (int o = 0; o < out; o++) s[so + o] += v * w[wo + o];
            }
        }
        return s;
    }

    public static Gradients backward(Tensor h, Tensor adj, Tensor w, Tensor dy, boolean needInput) {
        int batch = h.dim(0), nodes = h.dim(1), in = h.dim(2), out = w.dim(1);
        double[] ad = adj.data(), g = dy.data(), hd = h.data(), wd = w.data();
        double[] db = new double[out];
        // dSupport[k] = sum_j adj[j][k] dy[j]
        double[] ds = new double[batch * nodes * out];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < nodes; j++) {
                int go = (b * nodes + j) * out;
                for (int o = 0; o < out; o++) db[o] += g[go + o];
                for (int k = 0; k < nodes; k++) {
                    double a = ad[(b * nodes + j) * nodes + k];
                    if (a == 0) continue;
                    int so = (b * nodes + k) * out;
                    for (int o = 0; o < out; o++) ds[so + o] += a * g[go + o];
                }
            }
        }
        double[] dw = new double[in * out];
        double[] dh = needInput ? new double[batch * nodes * in] : null;
        // dh = dSupport · W^T as row updates over the transposed weight (vectorisable; zero gradients skipped)
        double[] wt = null;
        if (dh != null) {
            wt = new double[out * in];
            for (int i = 0; i < in; i++) for (int o = 0; o < out; o++) wt[o * in + i] = wd[i * out + o];
        }
        for (int r = 0; r < batch * nodes; r++) {
            int ho = r * in, so = r * out;
            for (int i = 0; i < in; i++) {
                double v = hd[ho + i];
                if (v == 0) continue;
                int wo = i * out;
                for (int o = 0; o < out; o++) dw[wo + o] += v * ds[so + o];
            }
            if (dh != null)
                for (int o = 0; o < out; o++) {
                    double gv = ds[so + o];
                    if (gv == 0) continue;
                    int to = o * in;
                    for (int i = 0; i < in; i++) dh[ho + i] += gv * wt[to + i];
                }
        }
        return new Gradients(dh == null ? null : Tensor.of(dh, batch, nodes, in), Tensor.of(dw, in, out), Tensor.of(db, out));
    }

    /**
     * The same convolution evaluated for one node of every graph, {@code [B, out]}: the last layer of a
     * read-out GCN needs only the read-out node, and {@code adj[node] · (h W) = (adj[node] · h) W} turns N
     * matrix rows into one.
     */
    public static Tensor forwardNode(Tensor h, Tensor adj, int node, Tensor w, Tensor b) {
        Tensor agg = aggregate(h, adj, node);
        int batch = h.dim(0), out = w.dim(1);
        double[] s = support(agg.data(), w.data(), batch, h.dim(2), out), bd = b.data();
        for (int r = 0; r < batch; r++) for (int o = 0; o < out; o++) s[r * out + o] += bd[o];
        return Tensor.of(s, batch, out);
    }

    /** {@code adj[g][node] · h[g]} for every graph, {@code [B, in]}. */
    static Tensor aggregate(Tensor h, Tensor adj, int node) {
        int batch = h.dim(0), nodes = h.dim(1), in = h.dim(2);
        double[] hd = h.data(), ad = adj.data(), agg = new double[batch * in];
        for (int g = 0; g < batch; g++)
            for (int k = 0; k < nodes; k++) {
                double a = ad[(g * nodes + node) * nodes + k];
                if (a == 0) continue;
                int ho = (g * nodes + k) * in;
                for (int i = 0; i < in; i++) agg[g * in + i] += a * hd[ho + i];
            }
        return Tensor.of(agg, batch, in);
    }

    /** Backward of {@link #forwardNode}; {@code dy} is {@code [B, out]}, the input gradient is {@code [B, N, in]}. */
    public static Gradients backwardNode(Tensor h, Tensor adj, int node, Tensor w, Tensor dy, boolean needInput) {
        int batch = h.dim(0), nodes = h.dim(1), in = h.dim(2), out = w.dim(1);
        Tensor agg = aggregate(h, adj, node);
        double[] ag = agg.data(), g = dy.data(), wd = w.data();
        double[] dw = new double[in * out], db = new double[out];
        double[] dagg = new double[batch * in];
        for (int r = 0; r < batch; r++) {
            int go = r * out;
            for (int o = 0; o < out; o++) db[o] += g[go + o];
            for (int i = 0; i < in; i++) {
                double v = ag[r * in + i];
                int wo = i * out;
                if (v != 0) for (int o = 0; o < out; o++) dw[wo + o] += v * g[go + o];
                if (needInput) {
                    double s = 0;
                    for (int o = 0; o < out; o++) s += g[go + o] * wd[wo + o];
                    dagg[r * in + i] = s;
                }
            }
        }
        double[] dh = null;
        if (needInput) {
            dh = new double[batch * nodes * in];
            double[] ad = adj.data();
            for (int r = 0; r < batch; r++)
                for (int k = 0; k < nodes; k++) {
                    double a = ad[(r * nodes + node) * nodes + k];
                    if (a == 0) continue;
                    int ho = (r * nodes + k) * in;
                    for (int i = 0; i < in; i++) dh[ho + i] += a * dagg[r * in + i];
                }
        }
        return new Gradients(dh == null ? null : Tensor.of(dh, batch, nodes, in), Tensor.of(dw, in, out), Tensor.of(db, out));
    }
}
