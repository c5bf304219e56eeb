package dev.halo.app.onboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.BadInputException;
import dev.halo.measure.MeasureSettings;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OnboardingPlanTest {
    static Onboarding.Choices choices(String predictor, Path model, String statistic) {
        return new Onboarding.Choices(predictor, Onboarding.AUTO_FEATURES, model, 10, 30, 2, 0, statistic, 10, 0.8, null, null);
    }

    @Test
    void autoIsOpCostsOnNb201AndSaysSo() {
        Onboarding.Planned p = Onboarding.plan("nasbench201", "box", choices("auto", null, "median"), MeasureSettings.defaults());
        assertThat(p.plan().predictor()).isEqualTo(Onboarding.Predictor.OP_COSTS);
        assertThat(p.plan().model()).isNull();
        assertThat(p.why()).startsWith("auto chose op-costs: ");
        assertThat(p.plan().out()).isEqualTo(Path.of("onboard-box"));
        assertThat(p.plan().store()).isEqualTo(Path.of("onboard-box").resolve(Onboarding.STORE));
    }

    @Test
    void helpLoadsTheShippedModelAndANamedPredictorNeedsNoReason() {
        Onboarding.Planned p = Onboarding.plan("nasbench201", "box", choices("help", null, "min"), MeasureSettings.defaults());
        assertThat(p.plan().predictor()).isEqualTo(Onboarding.Predictor.HELP);
        assertThat(p.plan().model().source()).isEqualTo("built-in help-nasbench201.json.gz");
        assertThat(p.plan().statistic()).isEqualTo(Onboarding.Statistic.min);
        assertThat(p.why()).isEmpty();
    }

    @Test
    void fbnetOnboardsWithOpCostsByDefaultAndHelpNeedsAModelFile() {
        Onboarding.Planned p = Onboarding.plan("fbnet", "box", choices("auto", null, "median"), MeasureSettings.defaults());
        assertThat(p.plan().predictor()).isEqualTo(Onboarding.Predictor.OP_COSTS);
        assertThat(p.why()).startsWith("auto chose op-costs: op-cost features exist for fbnet");
        assertThatThrownBy(() -> Onboarding.plan("fbnet", "box", choices("help", null, "median"), MeasureSettings.defaults()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no shipped model for space 'fbnet'").hasMessageContaining("--model FILE");
    }

    /** OFA's auto (a lone machine) is op-costs for the reason that nothing else needs no other device. */
    @Test
    void ofaOnboardsWithOpCostsByDefault() {
        Onboarding.Planned p = Onboarding.plan("ofa", "box", choices("auto", null, "median"), MeasureSettings.defaults());
        assertThat(p.plan().predictor()).isEqualTo(Onboarding.Predictor.OP_COSTS);
        assertThat(p.why()).startsWith("auto chose op-costs: no train devices are given and ofa has op-cost features");
    }

    @Test
    void choicesThatDoNotFitAreRefused() {
        assertThatThrownBy(() -> Onboarding.plan("nasbench201", "box", choices("lut", null, "median"), MeasureSettings.defaults()))
                .isInstanceOf(BadInputException.class).hasMessage("--predictor must be auto, help or op-costs, got 'lut'");
        assertThatThrownBy(() -> Onboarding.plan("nasbench201", "box", choices("op-costs", Path.of("m.json"), "median"), MeasureSettings.defaults()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("applies to --predictor help only");
        assertThatThrownBy(() -> Onboarding.plan("nasbench201", "box", choices("auto", null, "mean"), MeasureSettings.defaults()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("--statistic must be median or min");
        assertThatThrownBy(() -> Onboarding.plan("ofa", "box", choices("help", null, "median"), MeasureSettings.defaults()))
                .isInstanceOf(BadInputException.class).hasMessageContaining("no shipped model for space 'ofa'").hasMessageContaining("--model FILE");
    }
}
