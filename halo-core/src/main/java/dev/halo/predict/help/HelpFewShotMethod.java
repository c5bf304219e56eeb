package dev.halo.predict.help;

import dev.halo.fewshot.FewShotTask;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.space.Architecture;
import java.util.Arrays;
import java.util.List;

/**
 * A loaded HELP model as an evaluation method: {@code prepare} does nothing (the model is already
 * meta-trained), {@code adapt} builds an {@link AdaptedHelpPredictor} from the task's reference latencies
 * and samples, exactly as a user adapting to a new device would (no pool statistics of the test device).
 */
public final class HelpFewShotMethod implements FewShotMethod {
    private final HelpModelFile.Stored model;
    private final HelpAdaptation.Options options;

    public HelpFewShotMethod(HelpModelFile.Stored model, HelpAdaptation.Options options) {
        this.model = model;
        this.options = options;
    }

    @Override
    public String name() {
        return model.model().variant().algorithm();
    }

    @Override
    public Adapter prepare(FewShotContext context) {
        if (!context.space().name().equals(model.provenance().space()))
            throw new dev.halo.BadInputException("HELP model is for space " + model.provenance().space() + ", the benchmark is " + context.space().name());
        List<? extends Architecture> archs = context.archs();
        AdaptedHelpPredictor.PreparedCache cache = new AdaptedHelpPredictor.PreparedCache();
        var wiring = model.provenance().nb201Wiring().isEmpty() ? dev.halo.space.Nb201Graph.Wiring.HELP : dev.halo.space.Nb201Graph.Wiring.valueOf(model.provenance().nb201Wiring());
        HelpEncoder encoder = HelpEncoder.forSpace(model.provenance().space(), wiring);
        return task -> {
            List<Architecture> samples = Arrays.stream(task.sampleIndices()).mapToObj(i -> (Architecture) archs.get(i)).toList();
            HelpAdaptation.Options o = new HelpAdaptation.Options(options.mcSamples(), options.seed() ^ task.seed());
            AdaptedHelpPredictor adapted = HelpAdaptation.adapt(model.model(), encoder, model.provenance(), task.device(), task.referenceLatencies(), samples,
                    task.sampleLatencies(), o, cache);
            // Without z draws the model has no spread of its own: give it the leave-one-out interval halo predict uses.
            return options.mcSamples() > 0 ? adapted : LeaveOneOutInterval.wrap(adapted);
        };
    }
}
