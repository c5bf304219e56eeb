package dev.halo.predict.auto;

import dev.halo.BadInputException;
import dev.halo.fewshot.FewShotTask;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.DeadCodeCostMethod;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.baseline.DeviceMixMethod;
import dev.halo.predict.baseline.NearestDeviceMethod;
import dev.halo.space.Nb201Space;
import java.util.function.Supplier;

/**
 * {@code auto}, the default method: picks a predictor for the space and the devices available with {@link #choose},
 * and says which one and why in its adapter's summary.
 */
public final class AutoMethod implements FewShotMethod {
    public static final String NAME = "auto";

    /** The spaces rule v4 was checked on; on others (OFA) op-cost features alone do not make auto prefer op-costs. */
    static final java.util.Set<String> RULE_SPACES = java.util.Set.of("nasbench201", "fbnet");

    /** What {@link #choose} picked: the method's name, why, and how to make it. */
    public record Choice(String method, String reason, Supplier<FewShotMethod> make) {}

    /**
     * Rule v4 of docs/results/auto.md, fixed before the runs that check it: on spaces with op-cost features,
     * op-costs, which needs no train device; on HELP's split and ten other device splits of NB201 and FBNet it was the
     * best named predictor, while the blends with a device mix fell below it wherever the mix does not fit the new
     * device (the valid-weighted blend collapses without valid devices: FBNet phones→GPUs .358 against .954; the
     * per-device blends, even with a significance guard, lose .002–.010 on some splits because the mix's
     * leave-one-out errors on the known rows are optimistic). Elsewhere the device mix when train and valid devices
     * exist, the nearest train device when only train devices exist; with neither, op-costs where the space has cost
     * features (OFA's came after the rule: nothing else can predict a lone device there), else bad input naming
     * {@code --method}.
     *
     * <p>Since session 13 (beyond.md, rules 4 and 4b) NAS-Bench-201 takes {@code op-costs-dead-code} instead: op-costs,
     * or the fit with dead operations removed when a measured dead-code probe shows the runtime skips them (pixel3's
     * and raspi4's TFLite). Without a known probe it is op-costs exactly, so on every split of rule v4 it scores as
     * op-costs; with {@code --selection cost-optimal-probe} it lifts HELP's NB201 test devices under NASFLAT's count
     * from .962 to .973.
     */
    public static Choice choose(String space, boolean hasCostFeatures, Split split) {
        if (hasCostFeatures && space.equals(Nb201Space.NAME))
            return new Choice(DeadCodeCostMethod.PROBE_REQUIRED_NAME, "op-cost features exist for " + space
                    + "; op-costs ranked best of the named predictors on every held-out device split (docs/results/auto.md), and on "
                    + space + " it also fits the operations a dead-code-removing runtime really runs when a known dead-code probe"
                    + " shows that the device skips them (docs/results/beyond.md, session 13)",
                    () -> new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.PROBE_REQUIRED));
        if (hasCostFeatures && RULE_SPACES.contains(space))
            return new Choice(AdditiveCostMethod.NAME, "op-cost features exist for " + space
                    + "; op-costs needs no train device and ranked best of the named predictors on every held-out device split"
                    + " (docs/results/auto.md)", AdditiveCostMethod::new);
        if (hasCostFeatures && split.train().isEmpty())
            return new Choice(AdditiveCostMethod.NAME, "no train devices are given and " + space
                    + " has op-cost features; op-costs is the one predictor that needs no other device", AdditiveCostMethod::new);
        String why = hasCostFeatures ? "op-costs on " + space + " is outside the rule (fixed on nasbench201 and fbnet)" : "no op-cost features for " + space;
        if (!split.train().isEmpty() && !split.valid().isEmpty())
            return new Choice("device-mix", why + "; train and valid devices exist for the device mix", DeviceMixMethod::new);
        if (!split.train().isEmpty())
            return new Choice("nearest-device", why + " and no valid devices; the most similar train device", NearestDeviceMethod::new);
        throw new BadInputException("auto has nothing to predict " + space + " with: it has no op-cost features and no train devices are"
                + " given; name a method with --method (e.g. help with a meta-trained model)");
    }

    /**
     * {@link #choose} for a fit that is saved and applied later ({@code halo adapt}, {@code halo onboard}, the server):
     * plain op-costs where {@link #choose} takes op-costs or {@code op-costs-dead-code}, because a saved fit keeps one
     * cost per operation (on a machine halo onboards itself the executed kernels already count what the runtime
     * runs); otherwise the same choice.
     */
    public static Choice chooseForSavedFit(String space, boolean hasCostFeatures, Split split) {
        Choice c = choose(space, hasCostFeatures, split);
        if (!c.method().equals(DeadCodeCostMethod.PROBE_REQUIRED_NAME)) return c;
        return new Choice(AdditiveCostMethod.NAME, "op-cost features exist for " + space
                + "; op-costs needs no train device and ranked best of the named predictors on every held-out device split"
                + " (docs/results/auto.md); a saved fit keeps plain op-costs", AdditiveCostMethod::new);
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
