package dev.halo.predict.baseline;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.space.SearchSpace;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A plain supervised predictor trained on the task's N samples only (BRP-NAS-like, without meta-learning
 * and without the reference latencies): a one-hidden-layer ReLU network on the space's flat encoding,
 * regressing the standardised log-latency, full-batch Adam with weight decay. What a few-shot method gains
 * over "just fit the few samples" is measured against this. The weight decay is chosen from
 * {@link #WEIGHT_DECAYS} by mean Spearman on the valid devices' tasks (seeds 0..4, same sample count) when
 * the split has valid devices, else the constructor's value is used. Other devices' latencies are never
 * used for training.
 */
public final class SupervisedMlpMethod implements FewShotMethod {
    public static final double[] WEIGHT_DECAYS = {1e-4, 1e-3, 1e-2, 1e-1, 1};
    public static final int VALIDATION_SEEDS = 5;
    private final int hidden;
    private final int steps;
    private final double learningRate;
    private final double weightDecay;

    public SupervisedMlpMethod() {
        this(32, 400, 0.01, 1e-2);
    }

    public SupervisedMlpMethod(int hidden, int steps, double learningRate, double weightDecay) {
        this.hidden = hidden;
        this.steps = steps;
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "supervised-mlp";
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        if (context.split().valid().isEmpty()) return adapter(context, weightDecay, "weight decay " + weightDecay + " (default; no valid devices)");
        double best = Double.NEGATIVE_INFINITY, bestDecay = weightDecay;
        for (double decay : WEIGHT_DECAYS) {
            double sum = 0;
            int count = 0;
            for (String device : context.split().valid()) {
                double[] truth = context.table().latencies(device);
                for (long seed = 0; seed < VALIDATION_SEEDS; seed++) {
                    FewShotTask task = context.protocol().task(device, context.samples(), seed);
                    List<Architecture> query = java.util.Arrays.stream(task.queryIndices())
                            .mapToObj(i -> (Architecture) context.archs().get(i)).toList();
                    double[] predicted = train(context.space(), context.archs(), task, decay).predictMs(query);
                    sum += dev.halo.stats.Metrics.spearman(predicted, dev.halo.fewshot.FewShotProtocol.gather(truth, task.queryIndices()));
                    count++;
                }
            }
            if (sum / count > best) {
                best = sum / count;
                bestDecay = decay;
            }
        }
        return adapter(context, bestDecay,
                String.format(java.util.Locale.ROOT, "weight decay %s chosen on valid devices (valid spearman %.4f)", bestDecay, best));
    }

    private Adapter adapter(FewShotContext context, double decay, String summary) {
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                return train(context.space(), context.archs(), task, decay);
            }

            @Override
            public String summary() {
                return summary;
            }
        };
    }

    private LatencyPredictor train(SearchSpace<?> space, List<? extends Architecture> archs, FewShotTask task, double decay) {
        int[] rows = task.sampleIndices();
        double[] ms = task.sampleLatencies();
        double[][] x = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) x[i] = encode(space, archs.get(rows[i]));
        double[] logMs = new double[ms.length];
        for (int i = 0; i < ms.length; i++) logMs[i] = Math.log(ms[i]);
        double mean = java.util.Arrays.stream(logMs).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(logMs).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
        double scale = sd > 0 ? sd : 1;
        double[] y = java.util.Arrays.stream(logMs).map(v -> (v - mean) / scale).toArray();
        Mlp net = Mlp.init(x[0].length, hidden, new SplittableRandom(task.seed() * 31 + task.device().hashCode()));
        net.fit(x, y, steps, learningRate, decay);
        return new LatencyPredictor() {
            @Override
            public String space() {
                return space.name();
            }

            @Override
            public double[] predictMs(List<? extends Architecture> query) {
                return query.stream().mapToDouble(a -> Math.exp(mean + scale * net.forward(encode(space, a)))).toArray();
            }
        };
    }

    private static <A extends Architecture> double[] encode(SearchSpace<A> space, Architecture arch) {
        return space.flatEncoding(space.cast(arch));
    }

    /** input → hidden (ReLU) → 1, trained by full-batch Adam on mean squared error. */
    private static final class Mlp {
        final int in, hidden;
        final double[] params; // w1 (hidden × in), b1 (hidden), w2 (hidden), b2
        final int w1, b1, w2, b2;

        private Mlp(int in, int hidden, double[] params) {
            this.in = in;
            this.hidden = hidden;
            this.params = params;
            w1 = 0;
            b1 = hidden * in;
            w2 = b1 + hidden;
            b2 = w2 + hidden;
        }

        static Mlp init(int in, int hidden, SplittableRandom rng) {
            double[] p = new double[hidden * in + 2 * hidden + 1];
            double bound1 = Math.sqrt(6.0 / in), bound2 = Math.sqrt(6.0 / hidden); // He-uniform
            for (int i = 0; i < hidden * in; i++) p[i] = rng.nextDouble(-bound1, bound1);
            for (int i = 0; i < hidden; i++) p[hidden * in + hidden + i] = rng.nextDouble(-bound2, bound2);
            return new Mlp(in, hidden, p);
        }

        double forward(double[] x) {
            double out = params[b2];
            for (int h = 0; h < hidden; h++) {
                double a = params[b1 + h];
                for (int i = 0; i < in; i++) a += params[w1 + h * in + i] * x[i];
                if (a > 0) out += params[w2 + h] * a;
            }
            return out;
        }

        void fit(double[][] xs, double[] ys, int steps, double lr, double weightDecay) {
            double[] m = new double[params.length], v = new double[params.length], grad = new double[params.length];
            double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
            double[] act = new double[hidden];
            for (int t = 1; t <= steps; t++) {
                java.util.Arrays.fill(grad, 0);
                for (int n = 0; n < xs.length; n++) {
                    double[] x = xs[n];
                    double out = params[b2];
                    for (int h = 0; h < hidden; h++) {
                        double a = params[b1 + h];
                        for (int i = 0; i < in; i++) a += params[w1 + h * in + i] * x[i];
                        act[h] = Math.max(a, 0);
                        out += params[w2 + h] * act[h];
                    }
                    double dOut = 2 * (out - ys[n]) / xs.length;
                    grad[b2] += dOut;
                    for (int h = 0; h < hidden; h++) {
                        grad[w2 + h] += dOut * act[h];
                        if (act[h] <= 0) continue;
                        double dA = dOut * params[w2 + h];
                        grad[b1 + h] += dA;
                        for (int i = 0; i < in; i++) grad[w1 + h * in + i] += dA * x[i];
                    }
                }
                for (int k = 0; k < params.length; k++) {
                    double g = grad[k] + weightDecay * params[k];
                    m[k] = beta1 * m[k] + (1 - beta1) * g;
                    v[k] = beta2 * v[k] + (1 - beta2) * g * g;
                    double mHat = m[k] / (1 - Math.pow(beta1, t)), vHat = v[k] / (1 - Math.pow(beta2, t));
                    params[k] -= lr * mHat / (Math.sqrt(vHat) + eps);
                }
            }
        }
    }
}
