package dev.halo.predict.help;

import dev.halo.nn.MetaSgd;
import dev.halo.nn.Params;

/**
 * The meta-objective of one HELP task and its gradient with respect to every trainable tensor
 * ({@link HelpModel#allParameters()}; second order, Hessian-vector products by finite differences, see
 * {@link MetaSgd}): z ~ q(z | hardware) (reparameterised with fixed noise {@code eps}),
 * modulate the weights, {@code innerSteps} Meta-SGD steps on the support set, MSE on the query set, plus
 * {@code klWeight · KL(q || N(0, I))}.
 */
final class HelpMetaGradient {
    private HelpMetaGradient() {}

    record Task(HelpInputs support, double[] supportTargets, HelpInputs query, double[] queryTargets, double[] hardware) {}

    record Result(double queryLoss, double kl, Params gradient) {}

    static double objective(HelpModel m, Task t, double[] eps, double klWeight) {
        InferenceNetwork.Posterior q = InferenceNetwork.posterior(m.encoder(), t.hardware());
        double[] z = eps == null ? q.mean() : q.sample(eps);
        Params start = InferenceNetwork.modulate(m.network(), m.weights(), z, m.zScale());
        Params adapted = MetaSgd.adapt(m.supportObjective(t.support(), t.supportTargets(), t.hardware()), start, m.taskLr(), m.innerSteps()).adapted();
        return m.network().mse(adapted, t.query(), t.hardware(), t.queryTargets()) + klWeight * q.kl();
    }

    /** Loss terms and gradient; {@code lossScale} multiplies the query loss (1/tasks for a meta-batch mean). */
    static Result gradient(HelpModel m, Task t, double[] eps, double lossScale, double klWeight, boolean secondOrder) {
        InferenceNetwork.Posterior q = InferenceNetwork.posterior(m.encoder(), t.hardware());
        double[] z = eps == null ? q.mean() : q.sample(eps);
        Params start = InferenceNetwork.modulate(m.network(), m.weights(), z, m.zScale());
        MetaSgd.Objective support = m.supportObjective(t.support(), t.supportTargets(), t.hardware());
        MetaSgd.Trajectory traj = MetaSgd.adapt(support, start, m.taskLr(), m.innerSteps());
        HelpNetwork.LossGradient ql = m.network().mseGradient(traj.adapted(), t.query(), t.hardware(), t.queryTargets());
        MetaSgd.MetaGradient mg = MetaSgd.backward(support, traj, m.taskLr(), ql.gradient().scaled(lossScale), secondOrder);
        InferenceNetwork.ModulationGradient mod = InferenceNetwork.modulateBackward(m.network(), m.weights(), z, m.zScale(), mg.start());
        Params dEnc = InferenceNetwork.backward(m.encoder(), q, mod.z(), eps, klWeight);
        Params lr = Params.empty();
        for (String n : mg.learningRates().names()) lr = lr.with("task_lr." + n, mg.learningRates().get(n));
        return new Result(ql.loss(), q.kl(), mod.model().merge(lr).merge(dEnc));
    }
}
