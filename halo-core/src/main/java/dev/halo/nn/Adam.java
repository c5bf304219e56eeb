package dev.halo.nn;

/**
 * Adam (Kingma &amp; Ba) with PyTorch's defaults and bias correction, as an immutable value: {@link #step}
 * returns the updated parameters and the next optimizer state, so a checkpoint is just (params, state).
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon, int steps, Params firstMoment, Params secondMoment) {

    public static Adam start(double learningRate, Params params) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8, 0, params.zerosLike(), params.zerosLike());
    }

    /** The parameters after one step along {@code gradient}, and the optimizer state after it. */
    public record Step(Params params, Adam state) {}

    public Step step(Params params, Params gradient) {
        int t = steps + 1;
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        java.util.LinkedHashMap<String, Tensor> p = new java.util.LinkedHashMap<>(), m = new java.util.LinkedHashMap<>(), v = new java.util.LinkedHashMap<>();
        for (String name : params.names()) {
            double[] w = params.get(name).data().clone(), g = gradient.get(name).data();
            double[] mm = firstMoment.get(name).data().clone(), vv = secondMoment.get(name).data().clone();
            for (int i = 0; i < w.length; i++) {
                mm[i] = beta1 * mm[i] + (1 - beta1) * g[i];
                vv[i] = beta2 * vv[i] + (1 - beta2) * g[i] * g[i];
                w[i] -= learningRate * (mm[i] / c1) / (Math.sqrt(vv[i] / c2) + epsilon);
            }
            int[] shape = params.get(name).shape();
            p.put(name, Tensor.of(w, shape));
            m.put(name, Tensor.of(mm, shape));
            v.put(name, Tensor.of(vv, shape));
        }
        return new Step(Params.of(p), new Adam(learningRate, beta1, beta2, epsilon, t, Params.of(m), Params.of(v)));
    }
}
