package dev.halo.predict.help;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.halo.BadInputException;
import dev.halo.nn.Params;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Graph;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MAML and Meta-SGD baselines: what they contain, that they ignore the hardware, and that MAML's inner rate stays fixed. */
class HelpVariantTest {
    @TempDir Path dir;

    private static final HelpEncoder FBNET = HelpEncoder.forSpace("fbnet", Nb201Graph.Wiring.HELP);

    private static List<Architecture> archs(int n, long seed) {
        Random rng = new Random(seed);
        return IntStream.range(0, n).mapToObj(i -> (Architecture) FBNET.space().sample(rng)).toList();
    }

    private static double[] ms(int n, long seed) {
        Random rng = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 5 + 10 * rng.nextDouble();
        return v;
    }

    private static HelpProvenance provenance(HelpVariant v) {
        return new HelpProvenance("meta-trained", "fbnet", List.of("a"), List.of("b"), 1, 10, 5, 0.5, true, "test", "", "", "2026-01-01T00:00:00Z", v.algorithm());
    }

    @Test
    void variantsAreNamedAfterTheirAlgorithm() {
        assertThat(HelpVariant.HELP.algorithm()).isEqualTo("help");
        assertThat(HelpVariant.maml(0.01).algorithm()).isEqualTo("maml");
        assertThat(HelpVariant.META_SGD.algorithm()).isEqualTo("meta-sgd");
        assertThat(new HelpVariant(true, false, true, 1e-3).algorithm()).isEqualTo("custom");
        assertThatThrownBy(() -> new HelpVariant(false, true, true, 1e-3)).isInstanceOf(BadInputException.class);
        assertThatThrownBy(() -> HelpVariant.maml(0)).isInstanceOf(BadInputException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> HelpVariant.Algorithm.byId("reptile")).isInstanceOf(BadInputException.class).hasMessageContaining("maml");
    }

    @Test
    void baselinesHaveNoHardwareBranchNoInferenceNetworkAndOnlyLearnedRatesAreTrainable() {
        HelpNetwork net = FBNET.network();
        HelpModel maml = HelpModel.initialise(net, HelpVariant.maml(1e-3), new Random(1));
        HelpModel metaSgd = HelpModel.initialise(net, HelpVariant.META_SGD, new Random(1));
        for (HelpModel m : List.of(maml, metaSgd)) {
            assertThat(m.network().hardwareBranch()).isFalse();
            assertThat(m.weights().names()).noneMatch(n -> n.contains("fc_hw"));
            // HELP's hw_embed_on = False: the joint layers see the 100-d architecture half only
            assertThat(m.weights().get("meta_learner.fc3.weight").shape()).containsExactly(100, 100);
            assertThat(m.encoder().names()).isEmpty();
            assertThat(m.stochastic()).isFalse();
        }
        assertThat(maml.allParameters().names()).isEqualTo(maml.weights().names());
        assertThat(metaSgd.allParameters().names()).anyMatch(n -> n.startsWith("task_lr."));
        HelpModel help = HelpModel.initialise(net, new Random(1));
        assertThat(help.weights().get("meta_learner.fc3.weight").shape()).containsExactly(200, 200);
        assertThat(help.allParameters().names()).anyMatch(n -> n.startsWith("z_encoder.")).anyMatch(n -> n.startsWith("task_lr."));
    }

    @Test
    void withoutHardwareEmbeddingTheDevicesReferenceLatenciesDoNotChangeThePrediction() {
        List<Architecture> samples = archs(10, 2), targets = archs(50, 3);
        double[] sampleMs = ms(10, 4), refA = ms(10, 5), refB = ms(10, 6);
        for (HelpVariant v : List.of(HelpVariant.maml(1e-2), HelpVariant.META_SGD)) {
            HelpModelFile.Stored m = new HelpModelFile.Stored(HelpModel.initialise(FBNET.network(), v, new Random(7)), provenance(v));
            double[] a = HelpAdaptation.adapt(m, "dev", refA, samples, sampleMs, HelpAdaptation.Options.DEFAULT).predictMs(targets);
            double[] b = HelpAdaptation.adapt(m, "dev", refB, samples, sampleMs, HelpAdaptation.Options.DEFAULT).predictMs(targets);
            assertThat(b).as(v.algorithm()).isEqualTo(a);
            // the samples still matter: the model sees the device only through them
            double[] c = HelpAdaptation.adapt(m, "dev", refA, samples, ms(10, 8), HelpAdaptation.Options.DEFAULT).predictMs(targets);
            assertThat(c).as(v.algorithm()).isNotEqualTo(a);
        }
        // the same change moves HELP's prediction, so the comparison above can fail
        HelpModelFile.Stored help = new HelpModelFile.Stored(HelpModel.initialise(FBNET.network(), new Random(7)), provenance(HelpVariant.HELP));
        assertThat(HelpAdaptation.adapt(help, "dev", refB, samples, sampleMs, HelpAdaptation.Options.DEFAULT).predictMs(targets))
                .isNotEqualTo(HelpAdaptation.adapt(help, "dev", refA, samples, sampleMs, HelpAdaptation.Options.DEFAULT).predictMs(targets));
    }

    @Test
    void theScoringFastPathComputesTheSameFunctionWithoutTheHardwareBranch() {
        double[] hw = {0, 0.1, 0.5, 0.2, 1, 0.3, 0.7, 0.4, 0.9, 0.6};
        HelpEncoder nb201 = HelpEncoder.forSpace("nasbench201", Nb201Graph.Wiring.HELP);
        for (HelpEncoder enc : List.of(FBNET, nb201)) {
            HelpModel m = HelpModel.initialise(enc.network(), HelpVariant.META_SGD, new Random(8));
            Random rng = new Random(9);
            HelpInputs x = enc.encode(IntStream.range(0, 200).mapToObj(i -> (Architecture) enc.space().sample(rng)).toList());
            double[] direct = m.network().predict(m.weights(), x, hw), fast = m.network().predict(m.weights(), m.network().prepare(x), hw);
            for (int i = 0; i < direct.length; i++)
                assertThat(fast[i]).as(enc.space().name()).isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(direct[i]))));
        }
    }

    @Test
    void mamlStepsWithItsFixedRateAndTheMetaUpdateLeavesItAlone() {
        double alpha = 0.05;
        HelpModel m = HelpModel.initialise(FBNET.network(), HelpVariant.maml(alpha), new Random(3)).withInnerSteps(1);
        HelpInputs xs = FBNET.encode(archs(10, 9)), xq = FBNET.encode(archs(20, 10));
        double[] ys = ms(10, 11), yq = ms(20, 12), hw = new double[10];
        for (int i = 0; i < ys.length; i++) ys[i] /= 15;
        for (int i = 0; i < yq.length; i++) yq[i] /= 15;

        // one inner step is exactly w - alpha * grad, for every parameter
        Params expected = m.weights().plusScaled(m.network().mseGradient(m.weights(), xs, hw, ys).gradient(), -alpha);
        Params adapted = m.adapt(xs, ys, hw, null);
        for (String n : expected.names()) {
            double[] e = expected.get(n).data(), a = adapted.get(n).data();
            for (int i = 0; i < e.length; i++) assertThat(a[i]).as(n).isCloseTo(e[i], org.assertj.core.data.Offset.offset(1e-12));
        }

        // the meta-gradient has no rate component, and a meta-update changes the weights but not the rate
        var task = new HelpMetaGradient.Task(xs, ys, xq, yq, hw);
        Params g = HelpMetaGradient.gradient(m, task, null, 1, 0.1, true).gradient();
        assertThat(g.names()).isEqualTo(m.allParameters().names()).noneMatch(n -> n.startsWith("task_lr."));
        HelpModel next = m.withAllParameters(m.allParameters().plusScaled(g, -0.1));
        assertThat(next.weights()).isNotEqualTo(m.weights());
        for (String n : next.taskLr().names()) assertThat(next.taskLr().get(n).data()).containsOnly(alpha);
    }

    @Test
    void metaSgdLearnsItsRates() {
        HelpModel m = HelpModel.initialise(FBNET.network(), HelpVariant.META_SGD, new Random(3));
        HelpInputs xs = FBNET.encode(archs(10, 9)), xq = FBNET.encode(archs(20, 10));
        double[] ys = ms(10, 11), yq = ms(20, 12);
        Params g = HelpMetaGradient.gradient(m, new HelpMetaGradient.Task(xs, ys, xq, yq, new double[10]), null, 1, 0.1, true).gradient();
        HelpModel next = m.withAllParameters(m.allParameters().plusScaled(g, -1e-4));
        assertThat(next.taskLr()).isNotEqualTo(m.taskLr());
    }

    @Test
    void baselineModelFilesRoundTripWithTheirVariant() {
        for (HelpVariant v : List.of(HelpVariant.maml(2e-3), HelpVariant.META_SGD)) {
            HelpModel m = HelpModel.initialise(FBNET.network(), v, new Random(4));
            Path f = dir.resolve(v.algorithm() + ".json.gz");
            HelpModelFile.save(f, m, provenance(v));
            HelpModelFile.Stored back = HelpModelFile.load(f);
            assertThat(back.model().variant()).isEqualTo(v);
            assertThat(back.model().network()).isEqualTo(m.network());
            assertThat(back.model().allParameters()).isEqualTo(m.allParameters());
            assertThat(back.model().taskLr()).isEqualTo(m.taskLr());
            assertThat(back.provenance().algorithm()).isEqualTo(v.algorithm());
            assertThat(new HelpFewShotMethod(back, HelpAdaptation.Options.DEFAULT).name()).isEqualTo(v.algorithm());
        }
    }

    @Test
    void filesWithoutAVariantAreHelpModelsAndAMismatchedProvenanceIsRejected() {
        HelpModel help = HelpModel.initialise(FBNET.network(), new Random(5));
        ObjectNode doc = HelpModelFile.document(help, provenance(HelpVariant.HELP));
        doc.remove("variant");
        ((ObjectNode) doc.get("provenance")).remove("algorithm");
        Path old = dir.resolve("old.json");
        HelpModelFile.write(old, doc);
        HelpModelFile.Stored back = HelpModelFile.load(old);
        assertThat(back.model().variant()).isEqualTo(HelpVariant.HELP);
        assertThat(back.provenance().algorithm()).isEqualTo("help");
        assertThat(back.model().allParameters()).isEqualTo(help.allParameters());

        HelpModel maml = HelpModel.initialise(FBNET.network(), HelpVariant.maml(1e-3), new Random(5));
        Path wrong = dir.resolve("wrong.json");
        HelpModelFile.save(wrong, maml, provenance(HelpVariant.HELP));
        assertThatThrownBy(() -> HelpModelFile.load(wrong)).isInstanceOf(BadInputException.class).hasMessageContaining("provenance.algorithm");

        ObjectNode bad = HelpModelFile.document(maml, provenance(HelpVariant.maml(1e-3)));
        ((ObjectNode) bad.get("variant")).put("innerRates", "sometimes");
        Path badFile = dir.resolve("bad.json");
        HelpModelFile.write(badFile, bad);
        assertThatThrownBy(() -> HelpModelFile.load(badFile)).isInstanceOf(BadInputException.class).hasMessageContaining("variant.innerRates");
    }

    @Test
    void aFixedRateModelRejectsRatesThatDifferFromItsVariant() {
        HelpModel m = HelpModel.initialise(FBNET.network(), HelpVariant.maml(1e-3), new Random(6));
        Params other = m.taskLr().map(t -> t.scaled(2));
        assertThatThrownBy(() -> new HelpModel(m.network(), m.variant(), m.weights(), other, m.encoder(), m.zScale(), m.innerSteps()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fixed inner rate");
    }
}
