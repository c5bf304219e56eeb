package dev.halo.nn;

/**
 * Fully connected layer {@code y = x W^T + b} in PyTorch's layout: {@code x} is {@code [n, in]}, {@code W} is
 * {@code [out, in]}, {@code b} is {@code [out]}. Stateless: weights are passed in, so the same code serves the
 * base model and any adapted copy.
 */
public final class Linear {
    private Linear() {}

    /** The gradients of a scalar loss with respect to the input and the two parameters. */
    public record Gradients(Tensor input, Tensor weight, Tensor bias) {}

    public static Tensor forward(Tensor x, Tensor w, Tensor b) {
        int n = x.dim(0), in = x.dim(1), out = w.dim(0);
        if (w.dim(1) != in) throw new IllegalArgumentException("Linear: input has " + in + " features, weight expects " + w.dim(1));
        double[] xd = x.data(), wd = w.data(), bd = b.data();
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            int xo = r * in, yo = r * out;
            for (int o = 0; o < out; o++) {
                double s = bd[o];
                int wo = o * in;
                for (int i = 0; i < in; i++) s += xd[xo + i] * wd[wo + i];
                y[yo + o] = s;
            }
        }
        return Tensor.of(y, n, out);
    }

    /** Backward pass given {@code dy = dLoss/dy}; {@code needInput=false} skips the input gradient. */
    public static Gradients backward(Tensor x, Tensor w, Tensor dy, boolean needInput) {
        int n = x.dim(0), in = x.dim(1), out = w.dim(0);
        double[] xd = x.data(), wd = w.data(), g = dy.data();
        double[] dw = new double[out * in], db = new double[out];
        double[] dx = needInput ? new double[n * in] : null;
        for (int r = 0; r < n; r++) {
            int xo = r * in, go = r * out;
            for (int o = 0; o < out; o++) {
                double gv = g[go + o];
                if (gv == 0) continue;
                db[o] += gv;
                int wo = o * in;
                for (int i = 0; i < in; i++) dw[wo + i] += gv * xd[xo + i];
                if (dx != null) for (int i = 0; i < in; i++) dx[xo + i] += gv * wd[wo + i];
            }
        }
        return new Gradients(dx == null ? null : Tensor.of(dx, n, in), Tensor.of(dw, out, in), Tensor.of(db, out));
    }
}
