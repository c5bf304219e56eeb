package dev.halo.predict.help;

import dev.halo.nn.Linear;
import dev.halo.nn.Params;
import dev.halo.nn.Relu;
import dev.halo.nn.Tensor;
import java.util.LinkedHashMap;
import java.util.random.RandomGenerator;

/**
 * HELP's inference network: maps the hardware embedding to a diagonal Gaussian over a modulation vector
 * {@code z}, which scales the columns of the joint layers' weights and shifts their biases. Layout of z
 * (HELP's): {@code 3 * joint} weight factors (fc3, fc4, fc5 in turn, one per input column), then 3 bias
 * shifts. Parameter names follow HELP's state dict ({@code z_encoder.0.weight}, {@code z_encoder.2.weight}).
 */
public final class InferenceNetwork {
    private InferenceNetwork() {}

    static final String W1 = "z_encoder.0.weight", B1 = "z_encoder.0.bias", W2 = "z_encoder.2.weight", B2 = "z_encoder.2.bias";
    static final String[] MODULATED = {"fc3", "fc4", "fc5"};
    private static final int ENCODER_HIDDEN = 10;

    /** Length of z for a network: one factor per joint-layer input column for fc3..fc5, plus 3 bias shifts. */
    static int zLength(HelpNetwork net) {
        return 3 * net.joint() + 3;
    }

    public static Params initialise(HelpNetwork net, RandomGenerator rng) {
        LinkedHashMap<String, Tensor> p = new LinkedHashMap<>();
        int out = 2 * zLength(net);
        p.put(W1, uniform(rng, 1 / Math.sqrt(net.hardwareDim()), ENCODER_HIDDEN, net.hardwareDim()));
        p.put(B1, uniform(rng, 1 / Math.sqrt(net.hardwareDim()), ENCODER_HIDDEN));
        p.put(W2, uniform(rng, 1 / Math.sqrt(ENCODER_HIDDEN), out, ENCODER_HIDDEN));
        p.put(B2, uniform(rng, 1 / Math.sqrt(ENCODER_HIDDEN), out));
        return Params.of(p);
    }

    private static Tensor uniform(RandomGenerator rng, double bound, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (2 * rng.nextDouble() - 1) * bound;
        return t;
    }

    /** The posterior q(z | hardware) and what its backward pass needs. */
    record Posterior(double[] mean, double[] rawScale, double[] scale, Tensor input, Tensor hidden) {
        /** KL(q || N(0, I)), summed over dimensions. */
        double kl() {
            double s = 0;
            for (int i = 0; i < mean.length; i++)
                s += -Math.log(scale[i]) + 0.5 * (scale[i] * scale[i] + mean[i] * mean[i]) - 0.5;
            return s;
        }

        /** A reparameterised sample {@code mean + scale * eps}. */
        double[] sample(double[] eps) {
            double[] z = new double[mean.length];
            for (int i = 0; i < z.length; i++) z[i] = mean[i] + scale[i] * eps[i];
            return z;
        }
    }

    static Posterior posterior(Params enc, double[] hardware) {
        Tensor x = Tensor.of(hardware.clone(), 1, hardware.length);
        Tensor h = Relu.forward(Linear.forward(x, enc.get(W1), enc.get(B1)));
        double[] stats = Linear.forward(h, enc.get(W2), enc.get(B2)).data();
        int k = stats.length / 2;
        double[] mean = new double[k], raw = new double[k], scale = new double[k];
        for (int i = 0; i < k; i++) {
            mean[i] = stats[i];
            raw[i] = stats[k + i];
            scale[i] = softplus(raw[i]);
        }
        return new Posterior(mean, raw, scale, x, h);
    }

    static double softplus(double x) {
        // PyTorch's Softplus switches to the identity above 20 for stability
        return x > 20 ? x : Math.log1p(Math.exp(x));
    }

    static double sigmoid(double x) {
        return x > 20 ? 1 : 1 / (1 + Math.exp(-x));
    }

    /** Base parameters modulated by z: joint-layer weight columns scaled by {@code 1 + s z_w}, biases shifted by {@code s z_b}. */
    static Params modulate(HelpNetwork net, Params model, double[] z, double zScale) {
        int j = net.joint();
        Params out = model;
        for (int idx = 0; idx < 3; idx++) {
            String w = HelpNetwork.PREFIX + MODULATED[idx] + ".weight", b = HelpNetwork.PREFIX + MODULATED[idx] + ".bias";
            Tensor wt = model.get(w);
            int rows = wt.dim(0), cols = wt.dim(1);
            double[] d = wt.data().clone();
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) d[r * cols + c] *= 1 + zScale * z[idx * j + c];
            double[] bd = model.get(b).data().clone();
            for (int i = 0; i < bd.length; i++) bd[i] += zScale * z[3 * j + idx];
            out = out.with(w, Tensor.of(d, rows, cols)).with(b, Tensor.of(bd, bd.length));
        }
        return out;
    }

    /** Gradient with respect to the base parameters and z, given the gradient with respect to the modulated ones. */
    record ModulationGradient(Params model, double[] z) {}

    static ModulationGradient modulateBackward(HelpNetwork net, Params model, double[] z, double zScale, Params dModulated) {
        int j = net.joint();
        double[] dz = new double[z.length];
        Params out = dModulated;
        for (int idx = 0; idx < 3; idx++) {
            String w = HelpNetwork.PREFIX + MODULATED[idx] + ".weight", b = HelpNetwork.PREFIX + MODULATED[idx] + ".bias";
            Tensor wt = model.get(w);
            int rows = wt.dim(0), cols = wt.dim(1);
            double[] g = dModulated.get(w).data(), base = wt.data(), dw = new double[g.length];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) {
                    int i = r * cols + c;
                    dw[i] = g[i] * (1 + zScale * z[idx * j + c]);
                    dz[idx * j + c] += zScale * g[i] * base[i];
                }
            double sb = 0;
            for (double v : dModulated.get(b).data()) sb += v;
            dz[3 * j + idx] += zScale * sb;
            out = out.with(w, Tensor.of(dw, rows, cols));
        }
        return new ModulationGradient(out, dz);
    }

    /**
     * Gradient of {@code dz · z + klWeight * KL} with respect to the encoder parameters, where z was drawn
     * with noise {@code eps} (null: z was the mean).
     */
    static Params backward(Params enc, Posterior q, double[] dz, double[] eps, double klWeight) {
        int k = q.mean().length;
        double[] dStats = new double[2 * k];
        for (int i = 0; i < k; i++) {
            double dMean = dz[i] + klWeight * q.mean()[i];
            double dScale = (eps == null ? 0 : dz[i] * eps[i]) + klWeight * (q.scale()[i] - 1 / q.scale()[i]);
            dStats[i] = dMean;
            dStats[k + i] = dScale * sigmoid(q.rawScale()[i]);
        }
        Linear.Gradients g2 = Linear.backward(q.hidden(), enc.get(W2), Tensor.of(dStats, 1, 2 * k), true);
        Tensor dh = Relu.backward(q.hidden(), g2.input());
        Linear.Gradients g1 = Linear.backward(q.input(), enc.get(W1), dh, false);
        LinkedHashMap<String, Tensor> m = new LinkedHashMap<>();
        m.put(W1, g1.weight());
        m.put(B1, g1.bias());
        m.put(W2, g2.weight());
        m.put(B2, g2.bias());
        return Params.of(m);
    }
}
