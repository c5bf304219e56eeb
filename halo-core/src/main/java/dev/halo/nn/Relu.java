package dev.halo.nn;

/** Rectified linear unit. The backward pass needs only the forward output (positive where the input was). */
public final class Relu {
    private Relu() {}

    public static Tensor forward(Tensor x) {
        double[] d = x.data(), y = new double[d.length];
        for (int i = 0; i < d.length; i++) y[i] = d[i] > 0 ? d[i] : 0;
        return Tensor.of(y, x.shape());
    }

    /** {@code dx = dy} where the output was positive, else 0 (the subgradient 0 at the kink, as PyTorch). */
    public static Tensor backward(Tensor output, Tensor dy) {
        double[] o = output.data(), g = dy.data(), dx = new double[o.length];
        for (int i = 0; i < o.length; i++) dx[i] = o[i] > 0 ? g[i] : 0;
        return Tensor.of(dx, output.shape());
    }
}
