package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.nn.Tensor;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Graph;
import dev.halo.space.Nb201Space;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The deduplicating single-precision scoring path computes the same function as the training forward pass. */
class HelpNetworkFastPathTest {
    @Test
    void gcnPlanMatchesTheDirectForwardPass() {
        Nb201Space space = new Nb201Space();
        Random rng = new Random(2);
        List<Nb201Arch> archs = java.util.stream.IntStream.range(0, 300).mapToObj(i -> space.sample(rng)).toList();
        HelpEncoder enc = new HelpEncoder(space, Nb201Graph.Wiring.HELP);
        HelpModel m = HelpModel.initialise(enc.network(), rng);
        HelpInputs x = enc.encode(archs);
        double[] hw = {0, 0.1, 0.5, 0.2, 1, 0.3, 0.7, 0.4, 0.9, 0.6};
        double[] direct = m.network().predict(m.weights(), x, hw), fast = m.network().predict(m.weights(), m.network().prepare(x), hw);
        for (int i = 0; i < direct.length; i++) assertThat(fast[i]).isCloseTo(direct[i], within(1e-5 * (1 + Math.abs(direct[i]))));
    }

    @Test
    void mlpFastPathMatchesTheDirectForwardPass() {
        Random rng = new Random(3);
        HelpNetwork net = HelpNetwork.mlp(20);
        HelpModel m = HelpModel.initialise(net, rng);
        Tensor f = Tensor.zeros(50, 20);
        for (int i = 0; i < f.size(); i++) f.data()[i] = rng.nextBoolean() ? 1 : 0;
        HelpInputs x = new HelpInputs.Flat(f);
        double[] hw = new double[10];
        hw[2] = 1;
        double[] direct = net.predict(m.weights(), x, hw), fast = net.predict(m.weights(), net.prepare(x), hw);
        for (int i = 0; i < direct.length; i++) assertThat(fast[i]).isCloseTo(direct[i], within(1e-5 * (1 + Math.abs(direct[i]))));
    }
}
