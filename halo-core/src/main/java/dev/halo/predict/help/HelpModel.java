package dev.halo.predict.help;

import dev.halo.BadInputException;
import dev.halo.nn.MetaSgd;
import dev.halo.nn.Params;
import dev.halo.nn.Tensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A meta-trained HELP predictor: the regressor's initial weights, the per-parameter inner learning rates
 * ({@code taskLr}, same names as {@code weights}), and the inference network that turns a hardware
 * embedding into the weight modulation z. The {@link HelpVariant} says which of these are in use: without
 * z the encoder is empty and adaptation starts from {@code weights}; with fixed inner rates (MAML)
 * {@code taskLr} holds the fixed rate everywhere and is not a trainable parameter.
 *
 * @param zScale     HELP's {@code z_scaling} (0.01)
 * @param innerSteps inner-loop steps at adaptation ({@code num_eval_updates}, 2)
 */
public record HelpModel(HelpNetwork network, HelpVariant variant, Params weights, Params taskLr, Params encoder, double zScale, int innerSteps) {

    public static final double Z_SCALE = 0.01;
    public static final int INNER_STEPS = 2;

    public HelpModel {
        if (network.hardwareBranch() != variant.hardwareEmbedding())
            throw new IllegalArgumentException("network hardware branch " + network.hardwareBranch() + " does not match variant " + variant);
        if (!variant.zModulation() && !encoder.names().isEmpty()) throw new IllegalArgumentException("a model without z has no inference network");
        if (!variant.learnedInnerRates())
            for (String n : taskLr.names())
                for (double r : taskLr.get(n).data())
                    if (r != variant.innerRate()) throw new IllegalArgumentException("fixed inner rate " + variant.innerRate() + " but " + n + " has " + r);
    }

    /** A HELP model (hardware embedding, z modulation, learned inner rates). */
    public HelpModel(HelpNetwork network, Params weights, Params taskLr, Params encoder, double zScale, int innerSteps) {
        this(network, HelpVariant.HELP, weights, taskLr, encoder, zScale, innerSteps);
    }

    /** A freshly initialised HELP model (HELP's initialisation; task learning rates all 1e-3). */
    public static HelpModel initialise(HelpNetwork network, RandomGenerator rng) {
        return initialise(network, HelpVariant.HELP, rng);
    }

    /**
     * A freshly initialised model of a variant: the network with or without its hardware branch, inner rates
     * all {@code variant.innerRate()}, an inference network only with z. {@code network}'s own hardware-branch
     * flag is overridden by the variant's.
     */
    public static HelpModel initialise(HelpNetwork network, HelpVariant variant, RandomGenerator rng) {
        HelpNetwork net = network.withHardwareBranch(variant.hardwareEmbedding());
        Params w = net.initialise(rng);
        Params enc = variant.zModulation() ? InferenceNetwork.initialise(net, rng) : Params.empty();
        return new HelpModel(net, variant, w, w.map(t -> filled(t, variant.innerRate())), enc, Z_SCALE, INNER_STEPS);
    }

    /** The same model adapting with {@code steps} inner steps. */
    public HelpModel withInnerSteps(int steps) {
        return new HelpModel(network, variant, weights, taskLr, encoder, zScale, steps);
    }

    private static Tensor filled(Tensor like, double v) {
        Tensor t = like.zerosLike();
        java.util.Arrays.fill(t.data(), v);
        return t;
    }

    /** Loads HELP's released {@code help_max_corr.pt} (keys {@code model}, {@code inference_network}, {@code task_lr}). */
    public static HelpModel fromHelpCheckpoint(Path file, HelpNetwork network) {
        dev.halo.data.TorchCheckpoint ckpt = dev.halo.data.TorchCheckpoint.read(file);
        java.util.Random seeded = new java.util.Random(0);
        HelpModel shape = initialise(network, seeded);
        Params w = fill(file, "model", shape.weights(), ckpt.model());
        Params lr = fill(file, "task_lr", shape.taskLr(), ckpt.taskLr());
        Params enc = fill(file, "inference_network", shape.encoder(), ckpt.inferenceNetwork());
        return new HelpModel(network, w, lr, enc, Z_SCALE, INNER_STEPS);
    }

    /** Every expected tensor must be present with the expected shape, and nothing else may be left over. */
    private static Params fill(Path file, String key, Params expected, Map<String, dev.halo.data.Tensor> found) {
        if (!found.keySet().equals(new java.util.HashSet<>(expected.names())))
            throw new BadInputException(file + ": '" + key + "' has tensors " + found.keySet() + ", expected " + expected.names());
        Params out = expected;
        for (String name : expected.names()) {
            dev.halo.data.Tensor t = found.get(name);
            if (!java.util.Arrays.equals(t.shape(), expected.get(name).shape()))
                throw new BadInputException(file + ": '" + key + "/" + name + "' has shape " + java.util.Arrays.toString(t.shape())
                        + ", expected " + java.util.Arrays.toString(expected.get(name).shape()));
            float[] f = t.data();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) d[i] = f[i];
            out = out.with(name, Tensor.of(d, t.shape()));
        }
        return out;
    }

    /** The support-set objective of one task: MSE of the network on (xs, ys) under a hardware embedding. */
    MetaSgd.Objective supportObjective(HelpInputs xs, double[] ys, double[] hardware) {
        // evaluated at every inner step and twice per Hessian-vector product: plan the graphs once
        HelpNetwork.Prepared prepared = network.prepare(xs);
        return at -> {
            HelpNetwork.LossGradient lg = network.mseGradient(at, prepared, hardware, ys);
            return new MetaSgd.Gradient(lg.loss(), lg.gradient());
        };
    }

    /**
     * Adapted weights for one device: modulate by z (drawn from the inference network's posterior with
     * {@code rng}, or its mean when {@code rng} is null), then {@link #innerSteps} Meta-SGD steps on the
     * support set (targets in HELP's normalised scale).
     */
    public Params adapt(HelpInputs xs, double[] ys, double[] hardware, RandomGenerator rng) {
        Params start = weights;
        if (variant.zModulation()) {
            InferenceNetwork.Posterior q = InferenceNetwork.posterior(encoder, hardware);
            double[] z = rng == null ? q.mean() : q.sample(gaussian(rng, q.mean().length));
            start = InferenceNetwork.modulate(network, weights, z, zScale);
        }
        return MetaSgd.adapt(supportObjective(xs, ys, hardware), start, taskLr, innerSteps).adapted();
    }

    /** Whether adaptation draws z, so that several Monte-Carlo adaptations differ (otherwise one is enough). */
    public boolean stochastic() {
        return variant.zModulation();
    }

    static double[] gaussian(RandomGenerator rng, int n) {
        double[] e = new double[n];
        for (int i = 0; i < n; i++) e[i] = rng.nextGaussian();
        return e;
    }

    /**
     * All trainable tensors in one map (task rates prefixed {@code task_lr.}, present only when learned), the
     * unit the meta-optimizer steps.
     */
    public Params allParameters() {
        Params lr = Params.empty();
        if (variant.learnedInnerRates()) for (String n : taskLr.names()) lr = lr.with("task_lr." + n, taskLr.get(n));
        return weights.merge(lr).merge(encoder);
    }

    /** The inverse of {@link #allParameters}; fixed inner rates stay as they are. */
    public HelpModel withAllParameters(Params all) {
        Params w = weights, lr = taskLr, enc = encoder;
        for (String n : weights.names()) w = w.with(n, all.get(n));
        if (variant.learnedInnerRates()) for (String n : taskLr.names()) lr = lr.with(n, all.get("task_lr." + n));
        for (String n : encoder.names()) enc = enc.with(n, all.get(n));
        return new HelpModel(network, variant, w, lr, enc, zScale, innerSteps);
    }
}
