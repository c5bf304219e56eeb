package dev.halo.predict.ensemble;

import dev.halo.nn.Adam;
import dev.halo.nn.Linear;
import dev.halo.nn.MeanSquaredError;
import dev.halo.nn.Params;
import dev.halo.nn.Relu;
import dev.halo.nn.Tensor;
import dev.halo.predict.FewShotContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.WeakHashMap;

/**
 * A small multi-task network fitted once per split: the architecture's flat encoding → ReLU hidden layers →
 * one output per meta-train device, trained (mean squared error, Adam, mini-batches) on every architecture's
 * standardised log latency on those devices. Its outputs are the train devices' latencies <em>denoised</em>:
 * several train devices report integer milliseconds (a phone's NB201 latencies take about 12–25 distinct
 * values), so as regression features for a new device their measured values carry rounding noise that a fit
 * on 20 known rows cannot average out; the network's predictions are smooth functions of the architecture that
 * keep what the devices share. Only train devices are used, never valid or test devices.
 */
final class DeviceNet {
    /**
     * Layer widths, epochs, mini-batch size, Adam step size, the seed of the initialisation and batch order, and
     * a minimum number of Adam steps (more epochs are run where the table is too small to reach it).
     */
    record Options(int[] hidden, int epochs, int batch, double learningRate, long seed, int minSteps) {
        Options {
            hidden = hidden.clone();
        }

        Options(int[] hidden, int epochs, int batch, double learningRate, long seed) {
            this(hidden, epochs, batch, learningRate, seed, 0);
        }

        /** Fixed before any test-device run: two layers of 128, 60 epochs, batches of 512, Adam 1e-3, seed 0. */
        static Options standard() {
            return new Options(new int[] {128, 128}, 60, 512, 1e-3, 0);
        }

        /** {@link #standard()} with at least 3,000 Adam steps (NB201's 15,625 rows: 97 epochs; FBNet's 5,000: 300). */
        static Options longer() {
            return new Options(new int[] {128, 128}, 60, 512, 1e-3, 0, 3000);
        }

        int epochsFor(int rows) {
            int batchesPerEpoch = (rows + batch - 1) / batch;
            return Math.max(epochs, (minSteps + batchesPerEpoch - 1) / batchesPerEpoch);
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Options p && Arrays.equals(hidden, p.hidden) && epochs == p.epochs && batch == p.batch
                    && learningRate == p.learningRate && seed == p.seed && minSteps == p.minSteps;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hidden) * 31 + Long.hashCode(seed) + 7 * epochs + 13 * batch + 17 * minSteps;
        }
    }

    private final Params params;
    private final int layers;

    private DeviceNet(Params params, int layers) {
        this.params = params;
        this.layers = layers;
    }

    /**
     * For every table row: the network's prediction of each train device's log latency (ln ms), in the order of
     * {@code context.split().train()} ({@code logLatency[row][device]}), and the last hidden layer's activations
     * ({@code hidden[row][unit]}), learned architecture features that the devices share.
     */
    record Features(double[][] logLatency, double[][] hidden) {}

    // One network per (context, options) while the context lives: a perDevice method and its nested
    // devices-only validation share the same context and must not train twice.
    private static final Map<FewShotContext, Map<Options, Features>> CACHE = new WeakHashMap<>();

    /** The network's {@link Features} for every table row, trained on first use for this context. */
    static Features features(FewShotContext context, Options options) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(context, c -> new LinkedHashMap<>())
                    .computeIfAbsent(options, o -> compute(context, o));
        }
    }

    private static Features compute(FewShotContext context, Options options) {
        int n = context.archs().size();
        List<String> devices = context.split().train();
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) x[i] = RowFeatures.encoding(context.space(), context.archs().get(i));
        double[][] y = new double[n][devices.size()];
        double[] mean = new double[devices.size()], sd = new double[devices.size()];
        for (int d = 0; d < devices.size(); d++) {
            double[] lat = context.table().latencies(devices.get(d));
            for (int i = 0; i < n; i++) y[i][d] = Math.log(lat[i]);
            for (int i = 0; i < n; i++) mean[d] += y[i][d] / n;
            for (int i = 0; i < n; i++) sd[d] += (y[i][d] - mean[d]) * (y[i][d] - mean[d]) / n;
            sd[d] = Math.max(Math.sqrt(sd[d]), 1e-12);
            for (int i = 0; i < n; i++) y[i][d] = (y[i][d] - mean[d]) / sd[d];
        }
        DeviceNet net = train(x, y, options);
        double[][] out = net.predict(x);
        for (double[] row : out)
            for (int d = 0; d < row.length; d++) row[d] = row[d] * sd[d] + mean[d];
        return new Features(out, net.lastHidden(x));
    }

    /** Fits {@code y[row][task]} from {@code x[row]}. */
    static DeviceNet train(double[][] x, double[][] y, Options options) {
        int n = x.length, in = x[0].length, out = y[0].length;
        int[] hidden = options.hidden();
        int[] widths = new int[hidden.length + 2];
        widths[0] = in;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = out;
        SplittableRandom rng = new SplittableRandom(options.seed());
        LinkedHashMap<String, Tensor> init = new LinkedHashMap<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            double scale = Math.sqrt(2.0 / widths[l]); // He initialisation for ReLU layers
            double[] w = new double[widths[l + 1] * widths[l]];
            for (int i = 0; i < w.length; i++) w[i] = gaussian(rng) * scale;
            init.put("w" + l, Tensor.of(w, widths[l + 1], widths[l]));
            init.put("b" + l, Tensor.zeros(widths[l + 1]));
        }
        int layers = widths.length - 1;
        Params params = Params.of(init);
        Adam adam = Adam.start(options.learningRate(), params);
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        for (int epoch = 0, epochs = options.epochsFor(n); epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int start = 0; start < n; start += options.batch()) {
                int m = Math.min(options.batch(), n - start);
                double[] xb = new double[m * in], yb = new double[m * out];
                for (int r = 0; r < m; r++) {
                    System.arraycopy(x[order[start + r]], 0, xb, r * in, in);
                    System.arraycopy(y[order[start + r]], 0, yb, r * out, out);
                }
                Params gradient = gradient(params, layers, Tensor.of(xb, m, in), yb);
                Adam.Step step = adam.step(params, gradient);
                params = step.params();
                adam = step.state();
            }
        }
        return new DeviceNet(params, layers);
    }

    /** Gradient of the mean squared error over the batch (all outputs) with respect to every parameter. */
    static Params gradient(Params params, int layers, Tensor x, double[] target) {
        List<Tensor> activations = new ArrayList<>();
        activations.add(x);
        Tensor h = x;
        for (int l = 0; l < layers; l++) {
            h = Linear.forward(h, params.get("w" + l), params.get("b" + l));
            if (l + 1 < layers) h = Relu.forward(h);
            activations.add(h);
        }
        Tensor dy = Tensor.of(MeanSquaredError.gradient(h.data(), target), h.shape());
        LinkedHashMap<String, Tensor> grads = new LinkedHashMap<>();
        for (int l = layers - 1; l >= 0; l--) {
            Linear.Gradients g = Linear.backward(activations.get(l), params.get("w" + l), dy, l > 0);
            grads.put("w" + l, g.weight());
            grads.put("b" + l, g.bias());
            if (l > 0) dy = Relu.backward(activations.get(l), g.input());
        }
        LinkedHashMap<String, Tensor> ordered = new LinkedHashMap<>();
        for (String name : params.names()) ordered.put(name, grads.get(name));
        return Params.of(ordered);
    }

    static double loss(Params params, int layers, Tensor x, double[] target) {
        return MeanSquaredError.value(forward(params, layers, x).data(), target);
    }

    private static Tensor forward(Params params, int layers, Tensor x) {
        return forward(params, layers, x, layers);
    }

    /** The activations after the first {@code upTo} layers (all layers: the outputs). */
    private static Tensor forward(Params params, int layers, Tensor x, int upTo) {
        Tensor h = x;
        for (int l = 0; l < upTo; l++) {
            h = Linear.forward(h, params.get("w" + l), params.get("b" + l));
            if (l + 1 < layers) h = Relu.forward(h);
        }
        return h;
    }

    Params params() {
        return params;
    }

    double[][] predict(double[][] x) {
        return rows(x, layers);
    }

    /** The last hidden layer's (ReLU) activations. */
    double[][] lastHidden(double[][] x) {
        return rows(x, layers - 1);
    }

    private double[][] rows(double[][] x, int upTo) {
        int n = x.length, in = x[0].length;
        double[] flat = new double[n * in];
        for (int i = 0; i < n; i++) System.arraycopy(x[i], 0, flat, i * in, in);
        Tensor y = forward(params, layers, Tensor.of(flat, n, in), upTo);
        int out = y.dim(1);
        double[][] rows = new double[n][out];
        for (int i = 0; i < n; i++) System.arraycopy(y.data(), i * out, rows[i], 0, out);
        return rows;
    }

    /** A standard normal draw (Box–Muller) from the seeded generator, so training is reproducible. */
    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble(), v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
