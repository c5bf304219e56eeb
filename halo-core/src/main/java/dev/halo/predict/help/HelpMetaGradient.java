package dev.halo.predict.help;

import dev.halo.nn.MetaSgd;
import dev.halo.nn.Params;

/**
 * The meta-objective of one HELP task and its gradient with respect to every trainable tensor
 * ({@link HelpModel#allParameters()}; second order, Hessian-vector products by finite differences, see
 * {@link MetaSgd}): z ~ q(z | hardware) (reparameterised with fixed noise {@code eps}),
 * modulate the weights, {@code innerSteps} Meta-SGD steps on the support set, MSE on the query set, plus
 * {@code klWeight · KL(q || N(0, I))}. A variant without z starts the inner loop from the weights and has
 * no KL term; one with fixed inner rates (MAML) gets no gradient for them.
 */
final class HelpMetaGradient {
    private HelpMetaGradient() {}

    record Task(HelpInputs support, double[] supportTargets, HelpInputs query, double[] queryTargets, double[] hardware) {}

    record Result(double queryLoss, double kl, Params gradient) {}

    /** The posterior of z for a task, null for a model without z. */
    private static InferenceNetwork.Posterior posterior(HelpModel m, Task t) {
        return m.variant().zModulation() ? InferenceNetwork.posterior(m.encoder(), t.hardware()) : null;
    }

    private static double[] z(InferenceNetwork.Posterior q, double[] eps) {
        if (q == null) return null;
        return eps == null ? q.mean() : q.sample(eps);
    }

    private static Params start(HelpModel m, double[] z) {
        return z == null ? m.weights() : InferenceNetwork.modulate(m.network(), m.weights(), z, m.zScale());
    }

    static double objective(HelpModel m, Task t, double[] eps, double klWeight) {
        InferenceNetwork.Posterior q = posterior(m, t);
        Params start = start(m, z(q, eps));
        Params adapted = MetaSgd.adapt(m.supportObjective(t.support(), t.supportTargets(), t.hardware()), start, m.taskLr(), m.innerSteps()).adapted();
        return m.network().mse(adapted, t.query(), t.hardware(), t.queryTargets()) + (q == null ? 0 : klWeight * q.kl());
    }

    /** Loss terms and gradient; {@code lossScale} multiplies the query loss (1/tasks for a meta-batch mean). */
    static Result gradient(HelpModel m, Task t, double[] eps, double lossScale, double klWeight, boolean secondOrder) {
        InferenceNetwork.Posterior q = posterior(m, t);
        double[] z = z(q, eps);
        Params start = start(m, z);
        MetaSgd.Objective support = m.supportObjective(t.support(), t.supportTargets(), t.hardware());
        MetaSgd.Trajectory traj = MetaSgd.adapt(support, start, m.taskLr(), m.innerSteps());
        HelpNetwork.LossGradient ql = m.network().mseGradient(traj.adapted(), t.query(), t.hardware(), t.queryTargets());
        MetaSgd.MetaGradient mg = MetaSgd.backward(support, traj, m.taskLr(), ql.gradient().scaled(lossScale), secondOrder);
        // same order as allParameters: weights, task rates, encoder
        Params gradient = mg.start(), dEnc = Params.empty();
        if (q != null) {
            InferenceNetwork.ModulationGradient mod = InferenceNetwork.modulateBackward(m.network(), m.weights(), z, m.zScale(), mg.start());
            gradient = mod.model();
            dEnc = InferenceNetwork.backward(m.encoder(), q, mod.z(), eps, klWeight);
        }
        if (m.variant().learnedInnerRates())
            for (String n : mg.learningRates().names()) gradient = gradient.with("task_lr." + n, mg.learningRates().get(n));
        return new Result(ql.loss(), q == null ? 0 : q.kl(), gradient.merge(dEnc));
    }
}
