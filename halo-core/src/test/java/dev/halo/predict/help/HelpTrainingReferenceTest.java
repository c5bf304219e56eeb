package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.halo.space.Nb201Graph;
import dev.halo.testing.SharedData;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Guards the numeric kernels of meta-training against silent changes: three second-order episodes on real
 * NB201 (GCN) and FBNet (MLP) data must reproduce the query loss, the meta-valid Spearman and the parameter
 * change of a reference run to ~1e-9 relative. Speed work may reorder floating-point sums (which moves the
 * numbers by ~1e-15 relative per operation, amplified somewhat by the finite-difference Hessian-vector
 * products and Adam) but must not change the mathematics.
 *
 * <p>The reference values were computed with the kernels as they were before the speed work (main at
 * d8af27c: allocating {@code Linear}/{@code GraphConvolution} and {@code Params}-map arithmetic) by this
 * test's own code, and pasted here.
 */
class HelpTrainingReferenceTest {
    private static final double REL = 1e-9;

    /** What a run leaves behind, reduced to a few numbers that any change to a kernel would move. */
    record Summary(double queryLoss, double validSpearman, double deltaSquaredNorm, double deltaProjection) {}

    static Summary run(String space, List<String> train, List<String> valid, int threads) {
        HelpData data = HelpData.load(SharedData.path("help/" + space), HelpEncoder.forSpace(space, Nb201Graph.Wiring.HELP));
        HelpTrainingConfig c = new HelpTrainingConfig(space, train, valid, 3, 3, 10, 40, 1e-3, 0.1, true, 3, 1, 7);
        HelpMetaTrainer trainer = new HelpMetaTrainer(data, c, threads);
        HelpModel init = HelpModel.initialise(data.network(), new Random(7));
        List<HelpMetaTrainer.Progress> reports = new ArrayList<>();
        HelpMetaTrainer.State end = trainer.train(trainer.start(init), 3, reports::add, s -> {});
        double[] before = init.allParameters().flatten(), after = end.current().allParameters().flatten();
        double sq = 0, proj = 0;
        for (int i = 0; i < before.length; i++) {
            double d = after[i] - before[i];
            sq += d * d;
            proj += d * Math.sin(0.37 * i);
        }
        HelpMetaTrainer.Progress p = reports.get(reports.size() - 1);
        return new Summary(p.queryLoss(), p.validSpearman(), sq, proj);
    }

    private static void assertClose(Summary actual, Summary reference) {
        assertThat(actual.queryLoss()).isCloseTo(reference.queryLoss(), within(REL * Math.abs(reference.queryLoss())));
        assertThat(actual.validSpearman()).isCloseTo(reference.validSpearman(), within(REL * Math.abs(reference.validSpearman())));
        assertThat(actual.deltaSquaredNorm()).isCloseTo(reference.deltaSquaredNorm(), within(REL * Math.abs(reference.deltaSquaredNorm())));
        // a projection on a fixed direction: relative to the length of the change, since it may be near 0
        assertThat(actual.deltaProjection()).isCloseTo(reference.deltaProjection(), within(REL * Math.sqrt(reference.deltaSquaredNorm())));
    }

    @Test
    void nb201EpisodesMatchTheReferenceKernels() {
        Summary s = run("nasbench201", List.of("1080ti_1", "silver_4114", "pixel3", "samsung_a50"), List.of("titanx_1"), 1);
        assertClose(s, NB201);
    }

    @Test
    void nb201EpisodesOnTwoThreadsMatchOneThread() {
        Summary s = run("nasbench201", List.of("1080ti_1", "silver_4114", "pixel3", "samsung_a50"), List.of("titanx_1"), 2);
        assertClose(s, NB201);
    }

    @Test
    void fbnetEpisodesMatchTheReferenceKernels() {
        Summary s = run("fbnet", List.of("1080ti_1", "silver_4114", "pixel3", "samsung_a50"), List.of("titanx_1"), 1);
        assertClose(s, FBNET);
    }

    private static final Summary NB201 = new Summary(0.22447324218379747, -0.23599773112920097, 0.6017480931296985, 0.12885550456391615);
    private static final Summary FBNET = new Summary(0.2573852329358804, 0.22032753957428058, 0.9881350975573863, 0.02729394128940151);
}
