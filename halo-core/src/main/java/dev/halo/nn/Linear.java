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
        if (n == 1) {
            for (int o = 0; o < out; o++) {
                double s = bd[o];
                for (int i = 0; i < in; i++) s += xd[i] * wd[o * in + i];
                y[o] = s;
            }
            return Tensor.of(y, 1, out);
        }
        // row updates over the transposed weight: vectorisable, and zero inputs (ReLU outputs, one-hot
        // features) are skipped
        for (int r = 0; r < n; r++) System.arraycopy(bd, 0, y, r * out, out);
        Kernels.multiplyInto(y, xd, n, in, Kernels.transpose(wd, out, in), out);
        return Tensor.of(y, n, out);
    }

    /** Backward pass given {@code dy = dLoss/dy}; {@code needInput=false} skips the input gradient. */
    public static Gradients backward(Tensor x, Tensor w, Tensor dy, boolean needInput) {
        int n = x.dim(0), in = x.dim(1), out = w.dim(0);
        double[] xd = x.data(), wd = w.data(), g = dy.data();
        double[] db = new double[out];
        for (int r = 0; r < n; r++) Kernels.axpy(1, g, r * out, db, 0, out);
        double[] dw = Kernels.transposeTimes(g, xd, n, out, in);
        double[] dx = needInput ? Kernels.multiply(g, n, out, wd, in) : null;
        return new Gradients(dx == null ? null : Tensor.of(dx, n, in), Tensor.of(dw, out, in), Tensor.of(db, out));
    }
}
