package dev.halo.predict.ensemble;

import dev.halo.DataLocation;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.DeadCodeCostMethod;
import dev.halo.predict.additive.SlowSpikeCostMethod;
import dev.halo.predict.additive.SmallSampleCostMethod;
import dev.halo.predict.baseline.SupervisedMlpMethod;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpFewShotMethod;
import dev.halo.predict.help.HelpModelLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * This package's method variants from the accuracy sessions, reachable as {@code --method experimental:NAME}
 * (docs/RESULTS.md and docs/results/ give their numbers), plus HELP's released checkpoint as a method.
 */
public final class EnsembleMethods {
    private EnsembleMethods() {}

    /** The user-facing name of HELP's released checkpoint adapted to the device ({@link #releasedHelp}). */
    public static final String HELP = "help";

    /** Name → a fresh method, without the {@code experimental:} prefix. */
    public static Map<String, Supplier<FewShotMethod>> experimental() {
        Map<String, Supplier<FewShotMethod>> m = new LinkedHashMap<>();
        m.put("supervised-mlp", SupervisedMlpMethod::new);
        m.put("mix-log", FeatureMixMethod::devicesOnly);
        m.put("mix-cost", FeatureMixMethod::withCost);
        m.put("mix-enc", FeatureMixMethod::withEncoding);
        m.put("mix-loo", FeatureMixMethod::withEncodingPerDevice);
        m.put("mix-net", FeatureMixMethod::denoisedDevices);
        m.put("mix-net-loo", FeatureMixMethod::denoisedPerDevice);
        m.put("mix-src-loo", FeatureMixMethod::chosenSourcePerDevice);
        m.put("mix-src-loo-long", FeatureMixMethod::chosenSourcePerDeviceLonger);
        m.put("mix-src-loo-cv", FeatureMixMethod::heldOutDevicesOnly);
        m.put("mix-src-loo-w", FeatureMixMethod::validWholeMethod);
        m.put("mix-src-loo-cvw", FeatureMixMethod::heldOutWholeMethod);
        m.put("mix-src-loo-nn", () -> new NearestDeviceMethod("mix-src-loo-nn", FeatureMixMethod.heldOutWholeMethod()));
        m.put("mix-net-loo-all", FeatureMixMethod::denoisedEverythingPerDevice);
        m.put("mix-net-loo-h", FeatureMixMethod::denoisedLearnedEncodingPerDevice);
        m.put("mix-enc+help", () -> new BlendMethod("mix-enc+help", FeatureMixMethod.withEncoding(), releasedHelp(0)));
        m.put("mix-enc+help-mc", () -> new BlendMethod("mix-enc+help-mc", FeatureMixMethod.withEncoding(), releasedHelp(10)));
        m.put("mix-loo+help", () -> new BlendMethod("mix-loo+help", FeatureMixMethod.withEncodingPerDevice(), releasedHelp(0)));
        m.put("mix-loo+help-dev", () -> new BlendMethod("mix-loo+help-dev", FeatureMixMethod.withEncodingPerDevice(), releasedHelp(0), true));
        m.put("mix-loo+help-dev-mc", () -> new BlendMethod("mix-loo+help-dev-mc", FeatureMixMethod.withEncodingPerDevice(), releasedHelp(10), true));
        m.put("mix-net-loo+help", () -> new BlendMethod("mix-net-loo+help", FeatureMixMethod.denoisedPerDevice(), releasedHelp(0)));
        m.put("mix-net-loo+help-dev", () -> new BlendMethod("mix-net-loo+help-dev", FeatureMixMethod.denoisedPerDevice(), releasedHelp(0), true));
        m.put("mix-net-loo+mix-loo", () -> new BlendMethod("mix-net-loo+mix-loo", FeatureMixMethod.denoisedPerDevice(), FeatureMixMethod.withEncodingPerDevice()));
        // the valid-weighted blend: FBNet's pick in session 4, auto's until rule v4 (docs/results/auto.md)
        m.put("mix-src-loo-long+op-costs", () -> new BlendMethod("mix-src-loo-long+op-costs", FeatureMixMethod.chosenSourcePerDeviceLonger(), new AdditiveCostMethod()));
        m.put("mix-src-loo-long+op-costs-dev", () -> new BlendMethod("mix-src-loo-long+op-costs-dev", FeatureMixMethod.chosenSourcePerDeviceLonger(),
                new AdditiveCostMethod(), BlendMethod.Weighting.KNOWN_LEAVE_ONE_OUT));
        // few-sample shrinkage of op-costs for noisy phones (beyond.md, session 8)
        m.put(SmallSampleCostMethod.NAME, () -> new SmallSampleCostMethod(false));
        // the same, only where the known architectures leave the fine fit unsure (auto.md, session 9)
        m.put(SmallSampleCostMethod.GATED_NAME, () -> new SmallSampleCostMethod(true));
        // op-costs for runtimes that remove dead code, NB201 (beyond.md, session 9)
        m.put(DeadCodeCostMethod.NAME, () -> new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.NONE));
        // the same, with dead-code probes among the known cells confirming the choice (beyond.md, session 11)
        m.put(DeadCodeCostMethod.PROBES_NAME, () -> new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.PROBES_IF_KNOWN));
        // the same, and never without a known probe (beyond.md, session 13; user-facing as op-costs-dead-code)
        m.put(DeadCodeCostMethod.PROBE_REQUIRED_EXPERIMENTAL_NAME, () -> new DeadCodeCostMethod(DeadCodeCostMethod.Confirmation.PROBE_REQUIRED));
        // op-costs that discounts slow spikes among the known latencies (beyond.md, session 10)
        m.put(SlowSpikeCostMethod.NAME, () -> new SlowSpikeCostMethod(false));
        // the same, only on devices that report whole milliseconds (beyond.md, session 10, rule v2)
        m.put(SlowSpikeCostMethod.WHOLE_MS_NAME, () -> new SlowSpikeCostMethod(true));
        m.put("mix-src-loo+help-dev", () -> new BlendMethod("mix-src-loo+help-dev", FeatureMixMethod.chosenSourcePerDevice(), releasedHelp(0), true));
        return m;
    }

    /**
     * HELP's released checkpoint for the benchmark's space ({@code help/<space>/checkpoint/help_max_corr.pt}
     * under the shared data), loaded when the method is prepared; {@code mcSamples} z draws (0: z at its mean).
     */
    public static FewShotMethod releasedHelp(int mcSamples) {
        return new FewShotMethod() {
            @Override
            public String name() {
                return HELP;
            }

            @Override
            public Adapter prepare(FewShotContext context) {
                String space = context.space().name();
                var file = DataLocation.require("help/" + space + "/checkpoint/help_max_corr.pt");
                var method = new HelpFewShotMethod(HelpModelLoader.read(file, context.space()), new HelpAdaptation.Options(mcSamples, 0));
                Adapter adapter = method.prepare(context);
                return new Adapter() {
                    @Override
                    public dev.halo.predict.LatencyPredictor adapt(dev.halo.fewshot.FewShotTask task) {
                        return adapter.adapt(task);
                    }

                    @Override
                    public String summary() {
                        return "HELP released checkpoint, " + (mcSamples == 0 ? "z at its mean" : mcSamples + " z draws");
                    }
                };
            }
        };
    }
}
