package dev.halo.app.predict;

import dev.halo.BadInputException;
import dev.halo.data.ArchCsv;
import dev.halo.io.Limits;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.additive.CostModelFile;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.LeaveOneOutInterval;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Predicts latencies with a model adapted to one device ({@code halo adapt}'s output), with intervals. */
public final class Predict {
    private Predict() {}

    /** Where the interval comes from: the model's Monte-Carlo draws, or the support archs' held-out errors. */
    public enum Interval { mc, loo }

    /** The device the model was adapted to, its space, and its predictions with intervals at the requested level, for any list of archs. */
    public record Loaded(String device, SearchSpace<?> space, Function<List<? extends Architecture>, LatencyPredictor.Prediction[]> predict) {}

    /**
     * The model's predictions; each is checked to be a finite latency within {@link Limits#MAX_LATENCY_MS}, so a corrupted
     * or degenerate model is refused instead of writing nonsense.
     */
    public static Loaded load(Path model, Interval interval, double level) {
        if (!(level > 0 && level < 1)) throw new BadInputException("--level must be in (0, 1), got " + level);
        Limits.check("--level", level, 0.01, 0.999);
        Loaded loaded = unchecked(model, interval, level);
        return new Loaded(loaded.device(), loaded.space(), chunk -> plausible(model, chunk, loaded.predict().apply(chunk)));
    }

    private static LatencyPredictor.Prediction[] plausible(Path model, List<? extends Architecture> chunk, LatencyPredictor.Prediction[] p) {
        for (int i = 0; i < p.length; i++)
            if (!(Double.isFinite(p[i].ms()) && Math.abs(p[i].ms()) <= Limits.MAX_LATENCY_MS))
                throw new BadInputException(model + ": predicts " + p[i].ms() + " ms for " + chunk.get(i).canonical()
                        + ", not a plausible latency (corrupted or degenerate model)");
        return p;
    }

    private static Loaded unchecked(Path model, Interval interval, double level) {
        ModelFiles.Kind kind = ModelFiles.kind(model);
        if (kind != ModelFiles.Kind.ADAPTED && kind != ModelFiles.Kind.OP_COSTS)
            throw new BadInputException(model + ": not adapted to a device; run 'halo adapt --model " + model + " ...' first and predict with its --out file");
        if (kind == ModelFiles.Kind.OP_COSTS) {
            if (interval == Interval.mc)
                throw new BadInputException("--interval mc: " + model + " is an op-costs fit, which has no Monte-Carlo draws; use --interval loo");
            CostModelFile.Adapted adapted = CostModelFile.load(model);
            return new Loaded(adapted.device(), Spaces.byName(adapted.predictor().space()), chunk -> adapted.predictor().predictWithInterval(chunk, level));
        }
        AdaptedHelpPredictor help = HelpAdaptation.load(model);
        double looFactor = interval == Interval.loo ? LeaveOneOutInterval.factor(help, level) : Double.NaN;
        return new Loaded(help.record().device(), Spaces.byName(help.space()), Double.isNaN(looFactor)
                ? chunk -> help.predictWithInterval(chunk, level) : chunk -> LeaveOneOutInterval.predict(help, chunk, looFactor));
    }

    /** The architectures to predict: the whole space ({@code all}, NB201 only), a CSV file's, or the texts given. */
    public static List<? extends Architecture> archs(SearchSpace<?> space, boolean all, Path file, List<String> texts) {
        if (all) {
            if (space instanceof Nb201Space nb) return nb.all();
            throw new BadInputException("--all: the " + space.name() + " space has about " + String.format("%.1e", space.size())
                    + " architectures and cannot be listed; give --archs FILE (e.g. from 'halo arch sample --space " + space.name()
                    + " -n 10000 --format csv') or ARCH arguments");
        }
        if (file != null) {
            Limits.checkFileSize("--archs", file, Limits.MAX_ARCHS_FILE_BYTES);
            return ArchCsv.archs(file, space);
        }
        List<Architecture> list = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            try {
                list.add(space.parse(texts.get(i)));
            } catch (BadInputException e) {
                throw new BadInputException("argument " + (i + 1) + ": " + e.getMessage() + " (the model is for " + space.name() + ")");
            }
        }
        return list;
    }
}
