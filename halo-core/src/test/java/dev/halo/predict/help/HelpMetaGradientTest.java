package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.nn.GradientCheck;
import dev.halo.nn.Params;
import dev.halo.nn.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The full HELP meta-gradient (z sampling, modulation, two Meta-SGD steps with finite-difference
 * Hessian-vector products, query loss, KL) against central differences of the whole objective, on a tiny
 * network so that every one of its parameters can be perturbed; the same for the MAML and Meta-SGD
 * baselines (no hardware branch, no z; fixed or learned inner rates).
 */
class HelpMetaGradientTest {
    private static final Random RNG = new Random(11);

    private static Tensor random(double scale, int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.data()[i] = scale * RNG.nextGaussian();
        return t;
    }

    private static HelpInputs.Graphs graphs(int batch, int nodes, int features) {
        Tensor f = Tensor.zeros(batch, nodes, features), a = Tensor.zeros(batch, nodes, nodes);
        for (int b = 0; b < batch; b++)
            for (int n = 0; n < nodes; n++) {
                f.data()[(b * nodes + n) * features + RNG.nextInt(features)] = 1;
                for (int k = 0; k <= n; k++) a.data()[(b * nodes + n) * nodes + k] = k == n || RNG.nextBoolean() ? 1 : 0;
            }
        return new HelpInputs.Graphs(f, a);
    }

    private static double[] targets(int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) y[i] = 0.5 + 0.3 * RNG.nextGaussian();
        return y;
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "maml", "meta-sgd"})
    void gcnMetaGradientMatchesFiniteDifferences(String algorithm) {
        check(algorithm, new HelpNetwork(HelpNetwork.Kind.GCN, 3, 4, 3), graphs(4, 4, 3), graphs(6, 4, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"help", "maml", "meta-sgd"})
    void mlpMetaGradientMatchesFiniteDifferences(String algorithm) {
        HelpNetwork net = new HelpNetwork(HelpNetwork.Kind.MLP, 5, 4, 3);
        check(algorithm, net, new HelpInputs.Flat(random(1, 4, 5)), new HelpInputs.Flat(random(1, 6, 5)));
    }

    private void check(String algorithm, HelpNetwork net, HelpInputs support, HelpInputs query) {
        // large inner learning rates and z scale so the second-order and z terms are not negligible
        HelpVariant variant = HelpVariant.Algorithm.byId(algorithm).variant(0.1);
        HelpModel base = HelpModel.initialise(net, variant, RNG);
        HelpModel m = new HelpModel(base.network(), variant, base.weights(), base.taskLr(), base.encoder(), 0.3, 2);
        var task = new HelpMetaGradient.Task(support, targets(support.size()), query, targets(query.size()), new double[] {0.0, 0.4, 1.0});
        double[] eps = null;
        if (variant.zModulation()) {
            eps = new double[InferenceNetwork.zLength(m.network())];
            for (int i = 0; i < eps.length; i++) eps[i] = RNG.nextGaussian();
        }
        double[] noise = eps;

        Params analytic = HelpMetaGradient.gradient(m, task, eps, 1.0, 0.1, true).gradient();
        Params numeric = GradientCheck.numericGradient(p -> HelpMetaGradient.objective(m.withAllParameters(p), task, noise, 0.1), m.allParameters(), 1e-6);
        assertThat(analytic.names()).containsExactlyInAnyOrderElementsOf(numeric.names());
        Params aligned = numeric; // analytic values in the numeric gradient's order
        for (String n : numeric.names()) aligned = aligned.with(n, analytic.get(n));
        assertThat(GradientCheck.relativeDistance(aligned, numeric)).isLessThan(1e-5);
    }
}
