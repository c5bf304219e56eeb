package dev.halo.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * Meta-SGD (Li et al. 2017): an inner loop of {@code θ ← θ − α ⊙ ∇L_support(θ)} with a learned learning rate
 * per parameter, and the full (second-order) backward pass of that loop for the outer (meta) gradient.
 *
 * <p>Second-order term: the backward pass through step {@code θ' = θ − α ⊙ g(θ)} needs the Hessian-vector
 * product {@code H(θ)(α ⊙ v)}. We compute it by central differences of gradients,
 * {@code (g(θ + εu) − g(θ − εu)) / 2ε}, which costs two extra gradient evaluations on the (tiny) support
 * set per step and needs no second derivative code for each layer. Double precision keeps the truncation and
 * rounding errors around 1e-7 relative, far below the noise of a sampled meta-batch; the check against a
 * finite-difference derivative of the whole inner loop is in the tests. With ReLU networks the exact Hessian
 * is piecewise constant, so a perturbation that crosses a kink gives a (tiny-ε, rare) local error, as any
 * HVP on a ReLU net would be ill-defined there too.
 */
public final class MetaSgd {
    private MetaSgd() {}

    /** A differentiable loss on a fixed batch (the support set): value and gradient at any parameters. */
    @FunctionalInterface
    public interface Objective {
        Gradient evaluate(Params at);
    }

    public record Gradient(double loss, Params gradient) {}

    /** Iterates of the inner loop: {@code iterates.get(k)} is θ_k; {@code gradients.get(k)} is ∇L(θ_k). */
    public record Trajectory(List<Params> iterates, List<Params> gradients, List<Double> losses) {
        public Params adapted() {
            return iterates.get(iterates.size() - 1);
        }
    }

    public static Trajectory adapt(Objective support, Params start, Params learningRates, int steps) {
        List<Params> thetas = new ArrayList<>(), grads = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        Params theta = start;
        thetas.add(theta);
        for (int k = 0; k < steps; k++) {
            Gradient g = support.evaluate(theta);
            grads.add(g.gradient());
            losses.add(g.loss());
            theta = theta.plusScaledProduct(g.gradient(), learningRates, -1);
            thetas.add(theta);
        }
        return new Trajectory(thetas, grads, losses);
    }

    /** Outer gradients with respect to the loop's start and its learning rates. */
    public record MetaGradient(Params start, Params learningRates) {}

    /**
     * Backward pass through {@code trajectory}, given {@code dAdapted = dOuter/dθ_K}.
     *
     * @param secondOrder false drops the Hessian terms (first-order approximation)
     */
    public static MetaGradient backward(Objective support, Trajectory trajectory, Params learningRates, Params dAdapted, boolean secondOrder) {
        Params v = dAdapted;
        Params dLr = learningRates.zerosLike();
        for (int k = trajectory.gradients().size() - 1; k >= 0; k--) {
            Params g = trajectory.gradients().get(k);
            dLr = dLr.plusScaledProduct(v, g, -1);
            if (secondOrder) {
                Params u = v.times(learningRates);
                v = v.plusScaled(hessianVector(support, trajectory.iterates().get(k), u), -1);
            }
        }
        return new MetaGradient(v, dLr);
    }

    /** {@code H(θ) u} by central differences of the gradient, with a step scaled to θ and u. */
    public static Params hessianVector(Objective f, Params theta, Params u) {
        double un = Math.sqrt(u.dot(u));
        if (un == 0) return u.zerosLike();
        double tn = Math.sqrt(theta.dot(theta));
        double eps = 1e-6 * (1 + tn) / un;
        Params gp = f.evaluate(theta.plusScaled(u, eps)).gradient();
        Params gm = f.evaluate(theta.plusScaled(u, -eps)).gradient();
        return gp.plusScaled(gm, -1).scaled(1 / (2 * eps));
    }
}
