package dev.halo.predict.ensemble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.halo.eval.DeviceScore;
import dev.halo.eval.Evaluator;
import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.registry.FewShotMethods;
import dev.halo.predict.ensemble.FeatureMixMethod.Setting;
import dev.halo.predict.ensemble.GlobalSelection.Choice;
import dev.halo.predict.ensemble.GlobalSelection.Criterion;
import dev.halo.predict.ensemble.GlobalSelection.Procedure;
import dev.halo.predict.ensemble.RowFeatures.DeviceColumns;
import dev.halo.predict.ensemble.RowFeatures.Group;
import java.util.EnumSet;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class GlobalSelectionTest {
    static final Procedure DEVICES_VALID = Procedure.VALID_DEVICES_ONLY, DEVICES_ALL = new Procedure(Criterion.DEVICES_ONLY, true),
            WHOLE_VALID = new Procedure(Criterion.WHOLE_METHOD, false), WHOLE_ALL = new Procedure(Criterion.WHOLE_METHOD, true);

    static List<Choice> choices(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> new Choice(DeviceColumns.MEASURED, new Setting(i, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, false))).toList();
    }

    @Test
    void theBestRowHasTheHighestMeanWithEqualWeightPerDeviceAndTheFirstWinsTies() {
        double[][] scores = {
            {0.99, 0.70, 0.70}, // best on device 0 alone
            {0.95, 0.90, 0.90}, // best over all devices
            {0.95, 0.90, 0.90}, // tie with the one before
        };
        assertThat(GlobalSelection.best(scores, k -> k == 0)).isEqualTo(0);
        assertThat(GlobalSelection.best(scores, k -> true)).isEqualTo(1);
        assertThat(GlobalSelection.best(scores, k -> false)).isEqualTo(-1);
        assertThat(GlobalSelection.mean(scores[1], k -> true)).isCloseTo(2.75 / 3, Offset.offset(1e-12));
        assertThat(GlobalSelection.mean(new double[] {0.5, Double.NaN, 0.7}, k -> true)).isCloseTo(0.6, Offset.offset(1e-12));
    }

    @Test
    void eachProcedureChoosesByItsCriterionOnItsDevicesAndIsScoredNestedByTheWholeMethod() {
        // devices: v0, v1 valid; t0 held-out train. Choices 0..2.
        double[][] devicesOnly = {
            {0.90, 0.90, 0.50},
            {0.80, 0.80, 0.95},
            {0.70, 0.70, 0.70},
        };
        double[][] whole = {
            {0.91, 0.80, 0.60},
            {0.85, 0.85, 0.97},
            {0.95, 0.70, 0.10},
        };
        var s = new GlobalSelection.Scores(List.of("v0", "v1", "t0"), 2, choices(3), devicesOnly, whole);
        assertThat(s.choose(DEVICES_VALID)).isEqualTo(0);
        assertThat(s.choose(DEVICES_ALL)).isEqualTo(1); // (.8+.8+.95)/3 > (.9+.9+.5)/3
        assertThat(s.choose(WHOLE_VALID)).isEqualTo(0); // (.91+.80)/2 > .85
        assertThat(s.choose(WHOLE_ALL)).isEqualTo(1);
        // nested: device k is scored with the choice made without it
        // devices-only on valid: without v0 -> v1 alone picks 0 (.9); without v1 -> 0; t0 is not a valid device -> 0
        assertThat(s.nested(DEVICES_VALID)).containsExactly(0.91, 0.80, 0.60);
        // whole on valid: without v0 -> v1 picks row 1 (.85); without v1 -> v0 picks row 2 (.95); t0 -> both valid: row 0
        assertThat(s.nested(WHOLE_VALID)).containsExactly(0.85, 0.70, 0.60);
        // whole on all: without v0 -> row 1; without v1 -> row 1; without t0 -> row 0 (.855 > .85)
        assertThat(s.nested(WHOLE_ALL)).containsExactly(0.85, 0.85, 0.60);
    }

    @Test
    void aProcedureOnOneValidDeviceHasNoNestedScoreThere() {
        var s = new GlobalSelection.Scores(List.of("v0", "t0"), 1, choices(2), new double[][] {{1, 0}, {0, 1}}, new double[][] {{1, 0}, {0, 1}});
        assertThat(s.nested(DEVICES_VALID)[0]).isNaN();
        assertThat(s.nested(DEVICES_VALID)[1]).isEqualTo(0);
        assertThat(s.nested(DEVICES_ALL)).containsExactly(0, 0); // each device is scored with the other's choice
        assertThatThrownBy(() -> new GlobalSelection.Scores(List.of("v0"), 1, choices(2), new double[1][1], new double[2][1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static FeatureMixMethod method(Procedure procedure) {
        return new FeatureMixMethod("m", EnumSet.of(Group.DEVICES, Group.COST, Group.ENCODING), true, false, List.of(DeviceColumns.MEASURED),
                DeviceNet.Options.standard(), false, procedure);
    }

    @Test
    void heldOutTrainDevicesOverruleAValidDeviceThatLikesTheWrongScale() {
        Benchmark b = SelectionDevicesTest.multiplicative();
        FewShotContext context = new FewShotContext(b, SelectionDevicesTest.SPLIT, 10);
        FeatureMixMethod.Fitted validOnly = method(DEVICES_VALID).prepare(context);
        FeatureMixMethod.Fitted cv = method(WHOLE_ALL).prepare(context);
        assertThat(validOnly.setting().log()).isFalse();
        assertThat(cv.setting().log()).isTrue();
        assertThat(cv.summary()).contains("chosen by whole method on valid + held-out train devices", "1 valid + 3 held-out train",
                "[devices-only on valid = mix-src-loo-long: lambda devices", "nested", "devC", "best choice for that device alone");
        DeviceScore target = new Evaluator(b).evaluate(method(WHOLE_ALL), SelectionDevicesTest.SPLIT, 10, List.of(0L)).devices().get(0);
        DeviceScore targetValidOnly = new Evaluator(b).evaluate(method(DEVICES_VALID), SelectionDevicesTest.SPLIT, 10, List.of(0L)).devices().get(0);
        assertThat(target.mape()).isLessThan(targetValidOnly.mape());
    }

    @Test
    void withoutValidDevicesTheValidOnlyProcedureFallsBackAndTheHeldOutOneStillChooses() {
        Split noValid = new Split(List.of("devA", "devB", "devC"), List.of(), List.of("target"));
        FewShotContext context = new FewShotContext(SelectionDevicesTest.multiplicative(), noValid, 10);
        assertThat(method(WHOLE_ALL).prepare(context).setting().log()).isTrue();
        FeatureMixMethod.Fitted fallback = method(WHOLE_VALID).prepare(context);
        assertThat(fallback.setting().devices()).isEqualTo(0.1);
        assertThat(fallback.summary()).contains("default; no selection device", "[whole method on valid: no device]");
    }

    @Test
    void theSelectedMethodsAreRegistered() {
        assertThat(FewShotMethods.experimental()).containsKeys("mix-src-loo-cv", "mix-src-loo-w", "mix-src-loo-cvw");
        assertThat(FewShotMethods.byName("experimental:mix-src-loo-cvw").name()).isEqualTo("mix-src-loo-cvw");
    }

    @Test
    void theNearestDeviceProcedureBorrowsTheOwnBestChoiceOfTheMostSimilarOtherDevice() {
        // three devices, two tasks each; device 0 and 2 like choice 1, device 1 likes choice 0
        double[][][] wholeTasks = {
            {{0.80, 0.80}, {0.95, 0.95}, {0.60, 0.60}},
            {{0.90, 0.70}, {0.85, 0.85}, {0.90, 0.90}},
        };
        double[][] whole = {{0.80, 0.95, 0.60}, {0.80, 0.85, 0.90}};
        double[][][] similarity = {
            {{1, 0.9, 0.1}, {1, 0.1, 0.9}}, // device 0: task 0 resembles device 1, task 1 device 2
            {{0.2, 1, 0.3}, {0.2, 1, 0.3}}, // device 1: resembles device 2
            {{0.5, 0.4, 1}, {Double.NaN, 0.4, 1}}, // device 2: device 0, then (NaN similarity) device 1
        };
        var s = new GlobalSelection.Scores(List.of("v0", "t0", "t1"), 1, choices(2), whole, whole, wholeTasks, similarity);
        assertThat(s.ownBest(0)).isEqualTo(0); // tie .80/.80: the first
        assertThat(s.ownBest(1)).isEqualTo(0);
        assertThat(s.ownBest(2)).isEqualTo(1);
        // device 0: task 0 borrows device 1's choice 0 (.80), task 1 device 2's choice 1 (.70)
        // device 1: device 2's choice 1 (.85, .85); device 2: device 0's choice 0 (.60), device 1's choice 0 (.60)
        assertThat(s.nearestNested()).containsExactly(0.75, 0.85, 0.60);
    }

    @Test
    void pearsonAndNearest() {
        assertThat(GlobalSelection.pearson(new double[] {1, 2, 3}, new double[] {2, 4, 7})).isCloseTo(0.9934, Offset.offset(1e-4));
        assertThat(GlobalSelection.pearson(new double[] {1, 1, 1}, new double[] {2, 4, 7})).isNaN();
        assertThat(GlobalSelection.nearest(new double[] {0.2, 0.9, 0.5}, j -> j != 1)).isEqualTo(2);
        assertThat(GlobalSelection.nearest(new double[] {0.2}, j -> false)).isEqualTo(-1);
    }

    @Test
    void theNearestDeviceMethodRunsOnAToySplitAndReportsItsNestedEstimate() {
        Benchmark b = SelectionDevicesTest.multiplicative();
        var method = new NearestDeviceMethod("nn", method(WHOLE_ALL));
        var adapter = method.prepare(new FewShotContext(b, SelectionDevicesTest.SPLIT, 10));
        assertThat(adapter.summary()).contains("own best points: valid lambda devices", "nested whole-method spearman", "per device valid", "devC 0.");
        DeviceScore target = new Evaluator(b).evaluate(method, SelectionDevicesTest.SPLIT, 10, List.of(0L)).devices().get(0);
        assertThat(target.spearman()).isGreaterThan(0.95);
        assertThat(FewShotMethods.byName("experimental:mix-src-loo-nn").name()).isEqualTo("mix-src-loo-nn");
    }
}
