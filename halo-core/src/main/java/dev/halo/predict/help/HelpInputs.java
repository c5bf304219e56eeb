package dev.halo.predict.help;

import dev.halo.nn.Tensor;

/** A batch of encoded architectures as HELP's predictor consumes them: graphs (NB201) or flat vectors (FBNet, OFA). */
public sealed interface HelpInputs {
    int size();

    /** The rows at {@code index}, in that order. */
    HelpInputs rows(int[] index);

    /**
     * Node features {@code [B, N, F]} and adjacency {@code [B, N, N]} (self-loops included, row j lists the
     * nodes that node j sums over); the last node is the graph-level readout.
     */
    record Graphs(Tensor features, Tensor adjacency) implements HelpInputs {
        public Graphs {
            if (features.rank() != 3 || adjacency.rank() != 3 || features.dim(0) != adjacency.dim(0)
                    || features.dim(1) != adjacency.dim(1) || adjacency.dim(1) != adjacency.dim(2))
                throw new IllegalArgumentException("graph batch shapes " + features + " / " + adjacency);
        }

        @Override
        public int size() {
            return features.dim(0);
        }

        public int nodes() {
            return features.dim(1);
        }

        @Override
        public Graphs rows(int[] index) {
            return new Graphs(gather(features, index), gather(adjacency, index));
        }
    }

    /** Flat feature vectors {@code [B, F]}. */
    record Flat(Tensor features) implements HelpInputs {
        public Flat {
            if (features.rank() != 2) throw new IllegalArgumentException("flat batch must be [B, F]: " + features);
        }

        @Override
        public int size() {
            return features.dim(0);
        }

        @Override
        public Flat rows(int[] index) {
            return new Flat(gather(features, index));
        }
    }

    private static Tensor gather(Tensor t, int[] index) {
        int stride = t.size() / t.dim(0);
        double[] out = new double[index.length * stride];
        for (int i = 0; i < index.length; i++) System.arraycopy(t.data(), index[i] * stride, out, i * stride, stride);
        int[] shape = t.shape().clone();
        shape[0] = index.length;
        return Tensor.of(out, shape);
    }
}
