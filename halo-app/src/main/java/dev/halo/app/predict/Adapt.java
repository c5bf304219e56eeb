package dev.halo.app.predict;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.io.SafeOutput;
import dev.halo.DataLocation;
import dev.halo.data.ArchCsv;
import dev.halo.data.LatencyDataset;
import dev.halo.data.ReferenceArchs;
import dev.halo.fewshot.Split;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.AdditiveCostPredictor;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.additive.CostModelFile;
import dev.halo.predict.auto.AutoMethod;
import dev.halo.predict.ensemble.EnsembleMethods;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpReferenceArchs;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import dev.halo.stats.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a few measurements of one device into a predictor file for it: HELP's meta-trained model adapted to the device
 * ({@code help}), or the device's own operation costs ({@code op-costs}); {@code auto} picks by {@link AutoMethod#choose}
 * with no other device known.
 */
public final class Adapt {
    private Adapt() {}

    /**
     * {@code method} null: {@code help} when a {@code model} is given, else {@code auto}. {@code space} null: the model's,
     * else recognised from the samples. {@code dataset} (HELP only): where the reference architectures are listed.
     */
    public record Request(String method, Path model, String device, Path samples, Path out, String space, Path dataset, int mc, long seed) {
        public Request {
            if (device.isBlank()) throw new BadInputException("--device must not be empty");
            Limits.check("--mc", mc, 0, Limits.MAX_MC);
            SafeOutput.check(out, "--out");
            Limits.checkFileSize("--samples", samples, Limits.MAX_ARCHS_FILE_BYTES);
            if (!Files.isRegularFile(samples)) throw new BadInputException(samples + ": samples file does not exist");
        }
    }

    /** HELP's fit on the rows it adapted to (the support set; the references formed the hardware embedding). */
    public record HelpFit(int references, int support, double spearmanSupport, double mapeSupportPercent, double mapeReferencesPercent, int mc,
            String model) {}

    /** op-costs' leave-one-out scores over the rows and the fitted costs ({@code costs}: "fixed=… name=…"). */
    public record CostFit(int samples, double spearmanLoo, double mapeLooPercent, String costs) {}

    /** Exactly one of {@code help} and {@code costs} is set; {@code why} says how the method was chosen (empty if named). */
    public record Result(String device, String space, String method, String why, Path out, HelpFit help, CostFit costs) {}

    public static Result run(Request r) {
        String method = r.method() != null ? r.method() : r.model() != null ? EnsembleMethods.HELP : AutoMethod.NAME;
        String why = "";
        if (method.equals(AutoMethod.NAME)) {
            SearchSpace<?> sp = space(r, null);
            AutoMethod.Choice choice = AutoMethod.chooseForSavedFit(sp.name(), CostFeatures.forSpace(sp).isPresent(), new Split(List.of(), List.of(), List.of(r.device())));
            if (!choice.method().equals(AdditiveCostMethod.NAME))
                throw new BadInputException("--method auto picks " + choice.method() + " for " + sp.name() + ", which needs other devices' latencies; give --method help");
            method = choice.method();
            why = "auto chose " + choice.method() + ": " + choice.reason();
        }
        if (method.equals(AdditiveCostMethod.NAME)) return opCosts(r, why);
        if (method.equals(EnsembleMethods.HELP)) return help(r);
        throw new BadInputException("--method: '" + method + "' cannot adapt to one device's samples; known: auto, help, " + AdditiveCostMethod.NAME);
    }

    private static SearchSpace<?> space(Request r, HelpModelFile.Stored base) {
        if (r.space() != null) return Spaces.byName(r.space());
        if (base != null) return Spaces.byName(base.provenance().space());
        return ArchCsv.spaceOfFirstArch(r.samples()).orElseThrow(() -> new BadInputException(
                r.samples() + " line 2, column 'arch': not an architecture of any known space (" + Spaces.names() + "); give --space"));
    }

    private static Result help(Request r) {
        HelpModelFile.Stored base = r.space() == null && r.model() != null && ModelFiles.kind(r.model()) == ModelFiles.Kind.HALO_MODEL
                ? HelpModelFile.load(r.model()) : null;
        SearchSpace<?> sp = space(r, base);
        if (base == null) base = ModelFiles.loadBase(r.model() != null ? r.model() : ModelFiles.defaultModel(sp.name()), sp);

        List<ArchCsv.Sample> rows = ArchCsv.samples(r.samples(), sp);
        List<Architecture> references = referenceArchs(r.dataset(), base, sp);
        Map<String, ArchCsv.Sample> byArch = new HashMap<>();
        for (ArchCsv.Sample s : rows) byArch.put(s.arch().canonical(), s);
        List<String> missing = references.stream().map(Architecture::canonical).filter(a -> !byArch.containsKey(a)).toList();
        if (!missing.isEmpty())
            throw new BadInputException(r.samples() + ": missing the latencies of " + missing.size() + " of the " + references.size()
                    + " reference architectures of " + sp.name() + " (HELP's hardware embedding): " + String.join(" ", missing));
        if (rows.size() < references.size() + 2)
            throw new BadInputException(r.samples() + ": needs at least 2 measured architectures besides the " + references.size()
                    + " references (HELP uses 10), found " + (rows.size() - references.size()));

        double[] referenceMs = references.stream().mapToDouble(a -> byArch.get(a.canonical()).ms()).toArray();
        Set<String> referenceSet = new HashSet<>();
        references.forEach(a -> referenceSet.add(a.canonical()));
        List<ArchCsv.Sample> support = rows.stream().filter(s -> !referenceSet.contains(s.arch().canonical())).toList();
        List<Architecture> archs = new ArrayList<>(support.size());
        double[] ms = new double[support.size()];
        for (int i = 0; i < ms.length; i++) {
            archs.add(support.get(i).arch());
            ms[i] = support.get(i).ms();
        }
        AdaptedHelpPredictor predictor = HelpAdaptation.adapt(base, r.device(), referenceMs, archs, ms, new HelpAdaptation.Options(r.mc(), r.seed()));
        HelpAdaptation.save(r.out(), predictor);
        double[] fitted = predictor.predictMs(archs), fittedReferences = predictor.predictMs(references);
        HelpFit fit = new HelpFit(references.size(), support.size(), Metrics.spearman(fitted, ms), Metrics.mape(fitted, ms),
                Metrics.mape(fittedReferences, referenceMs), r.mc(), base.provenance().source());
        return new Result(r.device(), sp.name(), EnsembleMethods.HELP, "", r.out(), fit, null);
    }

    /** Every sample row is fitted; no model, no reference set. */
    private static Result opCosts(Request r, String why) {
        if (r.model() != null) throw new BadInputException("--method op-costs fits the device's own costs; it takes no --model");
        SearchSpace<?> sp = space(r, null);
        List<ArchCsv.Sample> rows = ArchCsv.samples(r.samples(), sp);
        List<Architecture> archs = rows.stream().map(ArchCsv.Sample::arch).toList();
        double[] ms = rows.stream().mapToDouble(ArchCsv.Sample::ms).toArray();
        CostModelFile.Adapted adapted;
        try {
            adapted = CostModelFile.adapt(sp, r.device(), archs, ms);
        } catch (BadInputException e) {
            throw new BadInputException(r.samples() + ": " + e.getMessage());
        }
        CostModelFile.save(r.out(), adapted);
        AdditiveCostPredictor p = adapted.predictor();
        double[] loo = p.leaveOneOutMs();
        CostFit fit = new CostFit(ms.length, Metrics.spearman(loo, ms), Metrics.mape(loo, ms), costs(sp, p.coefficients()));
        return new Result(r.device(), sp.name(), AdditiveCostMethod.NAME, why, r.out(), null, fit);
    }

    private static String costs(SearchSpace<?> sp, double[] b) {
        List<String> names = CostFeatures.forSpace(sp).orElseThrow().names();
        StringBuilder s = new StringBuilder("fixed=").append(round(b[0]));
        for (int k = 0; k < names.size(); k++) s.append(' ').append(names.get(k)).append('=').append(round(b[k + 1]));
        return s.toString();
    }

    /**
     * The reference archs, from the first of: {@code dataset}, the data the model was trained on, the shared {@code help/<space>},
     * and (NB201 only) the list built into halo, so a fresh machine with just the shipped model can adapt.
     */
    private static List<Architecture> referenceArchs(Path dataset, HelpModelFile.Stored base, SearchSpace<?> sp) {
        Path dir = dataset;
        if (dir == null) {
            String trainedOn = base.provenance().dataset();
            if (trainedOn != null && !trainedOn.isBlank() && Files.isDirectory(Path.of(trainedOn))) dir = Path.of(trainedOn);
        }
        if (dir == null) {
            Path shared = DataLocation.find().map(root -> root.resolve("help").resolve(sp.name())).filter(Files::isDirectory).orElse(null);
            if (shared != null) dir = shared;
            else if (sp.name().equals(Nb201Space.NAME)) return HelpReferenceArchs.NASBENCH201.stream().<Architecture>map(sp::parse).toList();
            else throw new BadInputException("no reference architectures for " + sp.name() + ": pass --dataset DIR (a folder with "
                    + LatencyDataset.HW_EMBEDDING_FILE + "); " + DataLocation.describeMissing());
        }
        Path from = dir.resolve(LatencyDataset.HW_EMBEDDING_FILE);
        List<Architecture> out = new ArrayList<>();
        for (String s : ReferenceArchs.read(dir)) {
            try {
                out.add(sp.parse(s));
            } catch (BadInputException e) {
                throw new BadInputException(from + ": reference architecture is not a " + sp.name() + " architecture: " + e.getMessage());
            }
        }
        return out;
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
