package dev.halo.predict.additive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlowSpikeCostMethodTest {
    static final Nb201Space SPACE = new Nb201Space();
    static final Nb201OpCounts OPS = new Nb201OpCounts();

    /** Twenty cells spread over the space (HELP's count: 10 references + 10 samples). */
    private static List<Nb201Arch> known(int n) {
        return IntStream.range(0, n).mapToObj(i -> SPACE.fromIndex(101 + 773 * i)).toList();
    }

    /** An additive device with 2 % noise (a phone's typical run). */
    private static double typical(Nb201Arch a, int row) {
        double[] c = OPS.of(a);
        return (2 + 0.3 * c[0] + 1.2 * c[1] + 5.0 * c[2] + 1.0 * c[3]) * (1 + 0.02 * Math.sin(row * 12.9898));
    }

    private static double[] typical(List<Nb201Arch> archs) {
        return IntStream.range(0, archs.size()).mapToDouble(i -> typical(archs.get(i), i)).toArray();
    }

    @Test
    void discountsARowMeasuredFarSlowerAndOnlyThatOne() {
        List<Nb201Arch> archs = known(20);
        double[] ms = typical(archs);
        ms[7] *= 1.4; // a run disturbed by something else on the phone
        AdditiveCostPredictor plain = AdditiveCostPredictor.fit(OPS, archs, ms);
        double[] w = SlowSpikeCostMethod.slowSpikeWeights(OPS, ms, plain.leaveOneOutMs());
        assertThat(w[7]).isLessThan(0.2);
        for (int i = 0; i < w.length; i++) if (i != 7) assertThat(w[i]).as("row %d", i).isEqualTo(1.0);
    }

    @Test
    void neverDiscountsARowMeasuredFaster() {
        List<Nb201Arch> archs = known(20);
        double[] ms = typical(archs);
        ms[7] *= 0.6;
        AdditiveCostPredictor plain = AdditiveCostPredictor.fit(OPS, archs, ms);
        assertThat(SlowSpikeCostMethod.slowSpikeWeights(OPS, ms, plain.leaveOneOutMs())[7]).isEqualTo(1.0);
    }

    @Test
    void leavesTheFitAloneWithFewerThanTwiceTheUnknowns() {
        List<Nb201Arch> archs = known(9); // five unknowns: needs ten
        double[] ms = typical(archs);
        ms[3] *= 1.5;
        AdditiveCostPredictor plain = AdditiveCostPredictor.fit(OPS, archs, ms);
        assertThat(SlowSpikeCostMethod.slowSpikeWeights(OPS, ms, plain.leaveOneOutMs())).containsOnly(1.0);
    }

    @Test
    void theDiscountedFitPredictsTheTypicalRunsBetter() {
        List<Nb201Arch> archs = known(20);
        double[] ms = typical(archs);
        ms[7] *= 1.4;
        ms[12] *= 1.3;
        AdditiveCostPredictor plain = AdditiveCostPredictor.fit(OPS, archs, ms);
        AdditiveCostPredictor discounted = AdditiveCostPredictor.fit(OPS, archs, ms,
                SlowSpikeCostMethod.slowSpikeWeights(OPS, ms, plain.leaveOneOutMs()));
        List<Nb201Arch> unseen = IntStream.range(0, 300).mapToObj(i -> SPACE.fromIndex(37 + 51 * i)).filter(a -> !OPS.prunable(a)).toList();
        assertThat(meanRelativeError(discounted, unseen)).isLessThan(meanRelativeError(plain, unseen));
    }

    private static double meanRelativeError(AdditiveCostPredictor p, List<Nb201Arch> archs) {
        double[] pred = p.predictMs(archs);
        double s = 0;
        for (int i = 0; i < pred.length; i++) {
            double truth = typical(archs.get(i), 0);
            s += Math.abs(pred[i] - truth) / truth;
        }
        return s / pred.length;
    }

    @Test
    void wholeMillisecondsAreRecognised() {
        assertThat(SlowSpikeCostMethod.wholeMilliseconds(new double[] {41, 56, 33})).isTrue();
        assertThat(SlowSpikeCostMethod.wholeMilliseconds(new double[] {41, 56.2, 33})).isFalse();
    }

    @Test
    void equalRowWeightsGiveExactlyOpCosts() {
        List<Nb201Arch> archs = known(20);
        double[] ms = typical(archs);
        double[] ones = new double[ms.length];
        java.util.Arrays.fill(ones, 1);
        assertThat(AdditiveCostPredictor.fit(OPS, archs, ms, ones).coefficients()).containsExactly(AdditiveCostPredictor.fit(OPS, archs, ms).coefficients());
    }
}
