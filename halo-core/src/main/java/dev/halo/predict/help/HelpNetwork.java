package dev.halo.predict.help;

import dev.halo.nn.GraphConvolutionPlan;
import dev.halo.nn.Linear;
import dev.halo.nn.MeanSquaredError;
import dev.halo.nn.Params;
import dev.halo.nn.Relu;
import dev.halo.nn.Tensor;
import java.util.LinkedHashMap;
import java.util.random.RandomGenerator;

/**
 * HELP's hardware-conditioned latency regressor, as a pure function of its parameters.
 *
 * <p>Architecture branch: four graph convolutions (GCN, NB201) or two linear layers (MLP, FBNet/OFA), each
 * followed by ReLU; the GCN reads out the last (global) node. Hardware branch: two ReLU linear layers on the
 * 10-d hardware embedding. Both halves are concatenated and go through two ReLU linear layers and a final
 * linear layer to one output (the normalised latency). Parameter names are those of HELP's state dict
 * ({@code meta_learner.gc1.weight}, ...), so a released checkpoint maps one to one.
 *
 * <p>Without the hardware branch (HELP's {@code hw_embed_on = False}, used by its MAML and Meta-SGD
 * baselines) the joint layers see the architecture half alone, are {@code hidden} wide, and the hardware
 * embedding passed to the methods is ignored. {@code hardwareDim} still says how many reference latencies
 * a device supplies, so the same data and adaptation paths serve both.
 */
public record HelpNetwork(Kind kind, int features, int hidden, int hardwareDim, boolean hardwareBranch) {
    public enum Kind { GCN, MLP }

    /** A network with the hardware branch (HELP's). */
    public HelpNetwork(Kind kind, int features, int hidden, int hardwareDim) {
        this(kind, features, hidden, hardwareDim, true);
    }

    public HelpNetwork withHardwareBranch(boolean on) {
        return new HelpNetwork(kind, features, hidden, hardwareDim, on);
    }

    public static final String PREFIX = "meta_learner.";

    /** HELP's NB201 predictor: 8 node features, hidden 100, 10 reference archs. */
    public static HelpNetwork gcn(int nodeFeatures) {
        return new HelpNetwork(Kind.GCN, nodeFeatures, 100, 10);
    }

    /** HELP's FBNet (132) / OFA (145) predictor. */
    public static HelpNetwork mlp(int features) {
        return new HelpNetwork(Kind.MLP, features, 100, 10);
    }

    /** Width of the joint layers fc3/fc4 (architecture half + hardware half, if any). */
    public int joint() {
        return hardwareBranch ? 2 * hidden : hidden;
    }

    private static String n(String layer, String what) {
        return PREFIX + layer + "." + what;
    }

    /** The encoder layers of the architecture branch, in order. */
    String[] archLayers() {
        return kind == Kind.GCN ? new String[] {"gc1", "gc2", "gc3", "gc4"} : new String[] {"fc1", "fc2"};
    }

    /**
     * Fresh parameters: PyTorch's default uniform(±1/sqrt(fan_in)) for linear layers; HELP's GCN overrides
     * graph-convolution weights with uniform(±0.05) and keeps uniform(±1/sqrt(out)) biases.
     */
    public Params initialise(RandomGenerator rng) {
        LinkedHashMap<String, Tensor> p = new LinkedHashMap<>();
        int in = features;
        for (String layer : archLayers()) {
            if (kind == Kind.GCN) {
                p.put(n(layer, "weight"), uniform(rng, 0.05, in, hidden));
                p.put(n(layer, "bias"), uniform(rng, 1 / Math.sqrt(hidden), hidden));
            } else {
                linear(p, rng, layer, in, hidden);
            }
            in = hidden;
        }
        if (hardwareBranch) {
            linear(p, rng, "fc_hw1", hardwareDim, hidden);
            linear(p, rng, "fc_hw2", hidden, hidden);
        }
        linear(p, rng, "fc3", joint(), joint());
        linear(p, rng, "fc4", joint(), joint());
        linear(p, rng, "fc5", joint(), 1);
        return Params.of(p);
    }

    private static void linear(LinkedHashMap<String, Tensor> p, RandomGenerator rng, String layer, int in, int out) {
        double bound = 1 / Math.sqrt(in);
        p.put(n(layer, "weight"), uniform(rng, bound, out, in));
        p.put(n(layer, "bias"), uniform(rng, bound, out));
    }

    private static Tensor uniform(RandomGenerator rng, double bound, int... shape) {
        Tensor t = Tensor.zeros(shape);
        double[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (2 * rng.nextDouble() - 1) * bound;
        return t;
    }

    /**
     * Everything the backward pass needs from one forward pass ({@code hardware}, {@code hw1}, {@code hw2} null
     * without the hardware branch). Graph batches keep the plan's distinct node states ({@code gcn}); flat batches
     * keep each encoder layer's output ({@code archActs}).
     */
    record Trace(Prepared inputs, GraphConvolutionPlan.Activations gcn, Tensor[] archActs, Tensor readout, Tensor hardware, Tensor hw1,
                 Tensor hw2, Tensor f3, Tensor f4, double[] output) {}

    /** Predicted (normalised) latency of every input row. */
    public double[] predict(Params p, HelpInputs x, double[] hardwareEmbedding) {
        return forward(p, prepare(x), hardwareEmbedding).output();
    }

    /**
     * The double-precision forward pass. Graph batches run through the deduplicating plan (each distinct
     * node state is computed once; same function as layer-by-layer convolution up to summation order). The
     * hardware half of fc3's input is the same for every row, so its contribution is folded into the bias once.
     */
    Trace forward(Params p, Prepared x, double[] hardwareEmbedding) {
        int batch = x.inputs().size();
        String[] layers = archLayers();
        Tensor[] acts = null;
        GraphConvolutionPlan.Activations gcn = null;
        Tensor readout;
        if (x.plan() != null) {
            gcn = x.plan().forward(layerParams(p, "weight"), layerParams(p, "bias"));
            readout = Tensor.of(x.plan().readout(gcn), batch, hidden);
        } else {
            acts = new Tensor[layers.length];
            Tensor h = ((HelpInputs.Flat) x.inputs()).features();
            for (int l = 0; l < layers.length; l++) {
                h = Relu.forward(Linear.forward(h, p.get(n(layers[l], "weight")), p.get(n(layers[l], "bias"))));
                acts[l] = h;
            }
            readout = h;
        }
        Tensor hw = null, hw1 = null, hw2 = null;
        // fc3 on [readout | hw2]: the hw2 half is one vector for all rows, added to the bias once
        double[] w3 = p.get(n("fc3", "weight")).data(), c3 = p.get(n("fc3", "bias")).data().clone();
        int j = joint();
        if (hardwareBranch) {
            hw = Tensor.of(hardwareEmbedding.clone(), 1, hardwareDim);
            hw1 = Relu.forward(Linear.forward(hw, p.get(n("fc_hw1", "weight")), p.get(n("fc_hw1", "bias"))));
            hw2 = Relu.forward(Linear.forward(hw1, p.get(n("fc_hw2", "weight")), p.get(n("fc_hw2", "bias"))));
            double[] h2 = hw2.data();
            for (int o = 0; o < j; o++) for (int i = 0; i < hidden; i++) c3[o] += w3[o * j + hidden + i] * h2[i];
        }
        Tensor f3 = Relu.forward(Linear.forward(readout, Tensor.of(columns(w3, j, j, 0, hidden), j, hidden), Tensor.of(c3, j)));
        Tensor f4 = Relu.forward(Linear.forward(f3, p.get(n("fc4", "weight")), p.get(n("fc4", "bias"))));
        Tensor y = Linear.forward(f4, p.get(n("fc5", "weight")), p.get(n("fc5", "bias")));
        double[] out = y.data();
        if (out.length != batch) throw new IllegalStateException("output size");
        return new Trace(x, gcn, acts, readout, hw, hw1, hw2, f3, f4, out);
    }

    private Tensor[] layerParams(Params p, String what) {
        String[] layers = archLayers();
        Tensor[] t = new Tensor[layers.length];
        for (int l = 0; l < layers.length; l++) t[l] = p.get(n(layers[l], what));
        return t;
    }

    /** Columns {@code [from, from + count)} of a row-major {@code [rows, stride]} matrix, as {@code [rows, count]}. */
    private static double[] columns(double[] m, int rows, int stride, int from, int count) {
        double[] c = new double[rows * count];
        for (int r = 0; r < rows; r++) System.arraycopy(m, r * stride + from, c, r * count, count);
        return c;
    }

    /** Gradient of a loss with respect to all parameters, given {@code dOut = dLoss/dOutput}. */
    Params backward(Params p, Trace t, double[] dOut) {
        LinkedHashMap<String, Tensor> g = new LinkedHashMap<>();
        int batch = dOut.length, j = joint();
        Tensor dy = Tensor.of(dOut.clone(), batch, 1);
        Linear.Gradients g5 = Linear.backward(t.f4(), p.get(n("fc5", "weight")), dy, true);
        Tensor d4 = Relu.backward(t.f4(), g5.input());
        Linear.Gradients g4 = Linear.backward(t.f3(), p.get(n("fc4", "weight")), d4, true);
        Tensor d3 = Relu.backward(t.f3(), g4.input());
        double[] w3 = p.get(n("fc3", "weight")).data();
        Linear.Gradients g3 = Linear.backward(t.readout(), Tensor.of(columns(w3, j, j, 0, hidden), j, hidden), d3, true);
        double[] db3 = g3.bias().data(), dw3a = g3.weight().data();
        double[] dw3 = new double[j * j];
        for (int o = 0; o < j; o++) System.arraycopy(dw3a, o * hidden, dw3, o * j, hidden);
        double[] dRead = g3.input().data();
        Linear.Gradients gh1 = null, gh2 = null;
        if (hardwareBranch) {
            // the broadcast hardware half: its weight gradient is (sum of d3 over rows) x hw2, and hw2's gradient
            // is that row sum (= the bias gradient) times fc3's hardware columns
            double[] h2 = t.hw2().data(), dHw2 = new double[hidden];
            for (int o = 0; o < j; o++) {
                for (int i = 0; i < hidden; i++) {
                    dw3[o * j + hidden + i] = db3[o] * h2[i];
                    dHw2[i] += db3[o] * w3[o * j + hidden + i];
                }
            }
            Tensor dh2 = Relu.backward(t.hw2(), Tensor.of(dHw2, 1, hidden));
            gh2 = Linear.backward(t.hw1(), p.get(n("fc_hw2", "weight")), dh2, true);
            Tensor dh1 = Relu.backward(t.hw1(), gh2.input());
            gh1 = Linear.backward(t.hardware(), p.get(n("fc_hw1", "weight")), dh1, false);
        }

        String[] layers = archLayers();
        Tensor[] dW, dB;
        if (t.gcn() != null) {
            GraphConvolutionPlan.Gradients gg = t.inputs().plan().backward(t.gcn(), layerParams(p, "weight"), dRead);
            dW = gg.weights();
            dB = gg.biases();
        } else {
            dW = new Tensor[layers.length];
            dB = new Tensor[layers.length];
            Tensor[] acts = t.archActs();
            Tensor d = Tensor.of(dRead, batch, hidden);
            for (int l = layers.length - 1; l >= 0; l--) {
                Tensor da = Relu.backward(acts[l], d);
                Tensor in = l == 0 ? ((HelpInputs.Flat) t.inputs().inputs()).features() : acts[l - 1];
                Linear.Gradients gl = Linear.backward(in, p.get(n(layers[l], "weight")), da, l > 0);
                dW[l] = gl.weight();
                dB[l] = gl.bias();
                d = gl.input();
            }
        }
        for (int l = 0; l < layers.length; l++) {
            g.put(n(layers[l], "weight"), dW[l]);
            g.put(n(layers[l], "bias"), dB[l]);
        }
        if (hardwareBranch) {
            g.put(n("fc_hw1", "weight"), gh1.weight());
            g.put(n("fc_hw1", "bias"), gh1.bias());
            g.put(n("fc_hw2", "weight"), gh2.weight());
            g.put(n("fc_hw2", "bias"), gh2.bias());
        }
        g.put(n("fc3", "weight"), Tensor.of(dw3, j, j));
        g.put(n("fc3", "bias"), g3.bias());
        g.put(n("fc4", "weight"), g4.weight());
        g.put(n("fc4", "bias"), g4.bias());
        g.put(n("fc5", "weight"), g5.weight());
        g.put(n("fc5", "bias"), g5.bias());
        // same order as the parameters
        LinkedHashMap<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : p.names()) ordered.put(name, g.get(name));
        return Params.of(ordered);
    }

    /** Inputs prepared once for repeated fast scoring (a deduplicating plan for graph batches). */
    public record Prepared(HelpInputs inputs, GraphConvolutionPlan plan) {}

    public Prepared prepare(HelpInputs x) {
        if (x instanceof HelpInputs.Graphs g)
            return new Prepared(x, GraphConvolutionPlan.build(g.features(), g.adjacency(), archLayers().length, g.nodes() - 1));
        return new Prepared(x, null);
    }

    /**
     * Forward-only prediction for many architectures: the same function as {@link #predict}, but graph
     * states are deduplicated, the joint layers run as cache-friendly row updates with the constant hardware
     * half folded into the fc3 bias, and the arithmetic is single precision (results agree with the double
     * path to ~1e-6 relative; tested).
     */
    public double[] predict(Params p, Prepared x, double[] hardwareEmbedding) {
        float[] r;
        String[] layers = archLayers();
        if (x.plan() != null) {
            Tensor[] w = new Tensor[layers.length], b = new Tensor[layers.length];
            for (int l = 0; l < layers.length; l++) {
                w[l] = p.get(n(layers[l], "weight"));
                b[l] = p.get(n(layers[l], "bias"));
            }
            r = x.plan().readout(w, b);
        } else {
            Tensor h = ((HelpInputs.Flat) x.inputs()).features();
            for (String layer : layers) h = Relu.forward(Linear.forward(h, p.get(n(layer, "weight")), p.get(n(layer, "bias"))));
            r = toFloat(h.data());
        }
        int j = joint();
        double[] w3 = p.get(n("fc3", "weight")).data(), w4 = p.get(n("fc4", "weight")).data();
        float[] w5 = toFloat(p.get(n("fc5", "weight")).data());
        float b5 = (float) p.get(n("fc5", "bias")).data()[0];
        // fc3 bias plus the hardware half of fc3, the same for every row
        double[] c3d = p.get(n("fc3", "bias")).data().clone();
        if (hardwareBranch) {
            Tensor hw = Tensor.of(hardwareEmbedding.clone(), 1, hardwareDim);
            Tensor hw1 = Relu.forward(Linear.forward(hw, p.get(n("fc_hw1", "weight")), p.get(n("fc_hw1", "bias"))));
            double[] hw2 = Relu.forward(Linear.forward(hw1, p.get(n("fc_hw2", "weight")), p.get(n("fc_hw2", "bias")))).data();
            for (int o = 0; o < j; o++) for (int i = 0; i < hidden; i++) c3d[o] += w3[o * j + hidden + i] * hw2[i];
        }
        float[] c3 = toFloat(c3d), b4 = toFloat(p.get(n("fc4", "bias")).data());
        float[] w3t = toFloat(transpose(w3, j, j, hidden)), w4t = toFloat(transpose(w4, j, j, j));
        int batch = x.inputs().size();
        double[] out = new double[batch];
        float[] y3 = new float[j], y4 = new float[j];
        for (int row = 0; row < batch; row++) {
            System.arraycopy(c3, 0, y3, 0, j);
            for (int i = 0; i < hidden; i++) {
                float v = r[row * hidden + i];
                if (v == 0) continue;
                int o0 = i * j;
                for (int o = 0; o < j; o++) y3[o] += v * w3t[o0 + o];
            }
            System.arraycopy(b4, 0, y4, 0, j);
            for (int i = 0; i < j; i++) {
                float v = y3[i];
                if (v <= 0) continue; // ReLU
                int o0 = i * j;
                for (int o = 0; o < j; o++) y4[o] += v * w4t[o0 + o];
            }
            float s = b5;
            for (int i = 0; i < j; i++) if (y4[i] > 0) s += y4[i] * w5[i];
            out[row] = s;
        }
        return out;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** The first {@code cols} columns of a row-major {@code [rows, stride]} matrix, transposed to {@code [cols, rows]}. */
    private static double[] transpose(double[] m, int rows, int stride, int cols) {
        double[] t = new double[cols * rows];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = m[r * stride + c];
        return t;
    }

    /** Mean squared error of the predictions against {@code target} and its gradient. */
    public record LossGradient(double loss, Params gradient) {}

    public LossGradient mseGradient(Params p, HelpInputs x, double[] hardwareEmbedding, double[] target) {
        return mseGradient(p, prepare(x), hardwareEmbedding, target);
    }

    /** {@link #mseGradient(Params, HelpInputs, double[], double[])} on inputs prepared once (a support set evaluated many times). */
    public LossGradient mseGradient(Params p, Prepared x, double[] hardwareEmbedding, double[] target) {
        Trace t = forward(p, x, hardwareEmbedding);
        double loss = MeanSquaredError.value(t.output(), target);
        return new LossGradient(loss, backward(p, t, MeanSquaredError.gradient(t.output(), target)));
    }

    public double mse(Params p, HelpInputs x, double[] hardwareEmbedding, double[] target) {
        return MeanSquaredError.value(predict(p, x, hardwareEmbedding), target);
    }
}
