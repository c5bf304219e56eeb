package dev.halo.predict.auto;

import dev.halo.fewshot.FewShotTask;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.baseline.DeviceMixMethod;
import dev.halo.predict.ensemble.EnsembleMethods;
import dev.halo.space.Nb201Space;
import java.util.function.Supplier;

/**
 * {@code auto}, the default method: picks a predictor for the space and the devices available with {@link #choose},
 * and says which one and why in its adapter's summary.
 */
public final class AutoMethod implements FewShotMethod {
    public static final String NAME = "auto";

    /** What {@link #choose} picked: the method's name, why, and how to make it. */
    public record Choice(String method, String reason, Supplier<FewShotMethod> make) {}

    /**
     * The rule picks of docs/RESULTS.md (section 2, chosen on selection devices, never test devices): op-costs on
     * NAS-Bench-201; on other spaces with op-cost features the op-costs + mix-src-loo-long blend, unless its weight
     * cannot be chosen (no valid devices) or the mix has nothing to mix (no train devices), where op-costs alone is
     * the safer pick; spaces without op-cost features get the device mix.
     */
    public static Choice choose(String space, boolean hasCostFeatures, Split split) {
        if (!hasCostFeatures)
            return new Choice("device-mix", "no op-cost features for " + space + "; device-mix is the rule's pick there", DeviceMixMethod::new);
        if (Nb201Space.NAME.equals(space))
            return new Choice(AdditiveCostMethod.NAME, "the rule's pick on nasbench201 (docs/RESULTS.md section 2)", AdditiveCostMethod::new);
        String blend = "experimental:" + EnsembleMethods.OP_COSTS_BLEND;
        if (split.train().isEmpty())
            return new Choice(AdditiveCostMethod.NAME, "no train devices for " + blend + " to mix; op-costs alone", AdditiveCostMethod::new);
        if (split.valid().isEmpty())
            return new Choice(AdditiveCostMethod.NAME, "no valid devices to choose " + blend + "'s weight on; op-costs alone", AdditiveCostMethod::new);
        return new Choice(blend, "the rule's pick on " + space + " (docs/RESULTS.md section 2)", EnsembleMethods::opCostsBlend);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        Choice choice = choose(context.space().name(), CostFeatures.forSpace(context.space()).isPresent(), context.split());
        Adapter chosen = choice.make().get().prepare(context);
        return new Adapter() {
            @Override
            public LatencyPredictor adapt(FewShotTask task) {
                return chosen.adapt(task);
            }

            @Override
            public String summary() {
                String inner = chosen.summary();
                return "auto chose " + choice.method() + ": " + choice.reason() + (inner.isEmpty() ? "" : "; " + inner);
            }
        };
    }
}
