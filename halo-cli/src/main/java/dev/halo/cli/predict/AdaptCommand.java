package dev.halo.cli.predict;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.cli.output.Table;
import dev.halo.data.ArchCsv;
import dev.halo.data.ReferenceArchs;
import dev.halo.eval.Metrics;
import dev.halo.predict.additive.AdditiveCostMethod;
import dev.halo.predict.additive.AdditiveCostPredictor;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.additive.CostModelFile;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpReferenceArchs;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Space;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code halo adapt}: a HELP model (or op-costs) + a few measurements of a new device → a predictor file for that device. */
@Command(name = "adapt", mixinStandardHelpOptions = true,
        description = {"Adapt a latency model to a new device from a few measurements.",
            "",
            "SAMPLES is a CSV with columns arch,latency_ms. It must hold the device's latencies of the space's 10 reference "
                + "architectures (HELP's hardware embedding; any that are missing are listed) and of at least two other "
                + "architectures. The references form the device's hardware embedding, the other rows the support set the model "
                + "adapts to, as in HELP. The result (--out) is read by 'halo predict'.",
            "",
            "--method op-costs needs no meta-trained model: it fits the device's latency as a fixed cost plus a cost per",
            "operation (NB201: counts of skip, conv 1x1, conv 3x3, avg-pool; FBNet: pointwise/depthwise work, blocks,",
            "weights) to every row of SAMPLES (references not required; 20 recommended, e.g. the 10 references + 10 picked",
            "by 'halo evaluate --selection cost-optimal'). On HELP's NB201 test devices it ranks at .951 Spearman with 20.",
            "",
            "Examples:",
            "  halo adapt --device mybox --samples mybox.csv --out mybox.help.json",
            "  halo adapt --method op-costs --device mybox --samples mybox.csv --out mybox.op-costs.json"})
public final class AdaptCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE",
            description = "A meta-trained model (halo meta-train) or HELP's .pt checkpoint, told apart by content"
                    + " (default: models/help-<space>.json of the installation, else HELP's checkpoint in the shared data).")
    Path model;

    @Option(names = "--method", paramLabel = "NAME",
            description = "op-costs: fit the device's operation costs instead of adapting a meta-trained model (--model, --dataset, --mc, --seed do not apply).")
    String method;

    @Option(names = "--device", required = true, paramLabel = "NAME", description = "Name of the device the samples were measured on.")
    String device;

    @Option(names = "--samples", required = true, paramLabel = "CSV", description = "Measured latencies: columns arch,latency_ms.")
    Path samples;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the adapted device model.")
    Path out;

    @Option(names = "--space", paramLabel = "NAME", description = "Search space (default: the model's, else recognised from the samples).")
    String space;

    @Option(names = "--dataset", paramLabel = "DIR",
            description = "Dataset folder whose hw_embedding_index.csv lists the reference archs (default: the model's training data, else the shared help/<space>, else for nasbench201 the 10 archs built into halo).")
    Path dataset;

    @Option(names = "--mc", defaultValue = "10", paramLabel = "N",
            description = "Monte-Carlo draws of the device code z; their spread is predict's interval, 0 gives one adaptation at the posterior mean"
                    + " and zero-width intervals (default: ${DEFAULT-VALUE}).")
    int mc;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the z draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (device.isBlank()) throw new BadInputException("--device must not be empty");
        dev.halo.io.Limits.check("--mc", mc, 0, dev.halo.io.Limits.MAX_MC);
        dev.halo.io.SafeOutput.check(out, "--out");
        dev.halo.io.Limits.checkFileSize("--samples", samples, dev.halo.io.Limits.MAX_ARCHS_FILE_BYTES);
        HelpAdaptation.Options options = new HelpAdaptation.Options(mc, seed);
        if (!Files.isRegularFile(samples)) throw new BadInputException(samples + ": samples file does not exist");
        if (method != null) return opCosts();

        HelpModelFile.Stored base = null;
        SearchSpace<?> sp;
        if (space != null) sp = Spaces.byName(space);
        else if (model != null && ModelFiles.kind(model) == ModelFiles.Kind.HALO_MODEL) {
            base = HelpModelFile.load(model);
            sp = Spaces.byName(base.provenance().space());
        } else
            sp = ArchCsv.spaceOfFirstArch(samples).orElseThrow(() -> new BadInputException(
                    samples + " line 2, column 'arch': not an architecture of any known space (" + Spaces.names() + "); give --space"));
        if (base == null) base = ModelFiles.loadBase(model != null ? model : ModelFiles.defaultModel(sp.name()), sp);

        List<ArchCsv.Sample> rows = ArchCsv.samples(samples, sp);
        List<Architecture> references = referenceArchs(base, sp);
        Map<String, ArchCsv.Sample> byArch = new HashMap<>();
        for (ArchCsv.Sample s : rows) byArch.put(s.arch().canonical(), s);
        List<String> missing = references.stream().map(Architecture::canonical).filter(a -> !byArch.containsKey(a)).toList();
        if (!missing.isEmpty())
            throw new BadInputException(samples + ": missing the latencies of " + missing.size() + " of the " + references.size()
                    + " reference architectures of " + sp.name() + " (HELP's hardware embedding): " + String.join(" ", missing));
        if (rows.size() < references.size() + 2)
            throw new BadInputException(samples + ": needs at least 2 measured architectures besides the " + references.size()
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
        AdaptedHelpPredictor predictor = HelpAdaptation.adapt(base, device, referenceMs, archs, ms, options);
        HelpAdaptation.save(out, predictor);

        double[] fitted = predictor.predictMs(archs), fittedReferences = predictor.predictMs(references);
        Table t = new Table("device", "space", "references", "support", "spearman_support", "mape_support_%", "mape_references_%", "mc", "model", "out");
        t.row(device, sp.name(), references.size(), support.size(), round(Metrics.spearman(fitted, ms)), round(Metrics.mape(fitted, ms)),
                round(Metrics.mape(fittedReferences, referenceMs)), mc, base.provenance().source(), out);
        PrintWriter w = spec.commandLine().getOut();
        t.print(dev.halo.cli.output.Format.table, w);
        w.println("Fit on the measured archs themselves (the support set was adapted to; the references only formed the hardware embedding):"
                + " not a test on new archs.");
        w.flush();
        return 0;
    }

    /** {@code --method op-costs}: every sample row is fitted; no model, no reference set. */
    private int opCosts() {
        if (!method.equals(AdditiveCostMethod.NAME))
            throw new BadInputException("--method: '" + method + "' cannot adapt without a model; known: " + AdditiveCostMethod.NAME);
        if (model != null) throw new BadInputException("--method op-costs fits the device's own costs; it takes no --model");
        SearchSpace<?> sp = space != null ? Spaces.byName(space) : ArchCsv.spaceOfFirstArch(samples).orElseThrow(() -> new BadInputException(
                samples + " line 2, column 'arch': not an architecture of any known space (" + Spaces.names() + "); give --space"));
        List<ArchCsv.Sample> rows = ArchCsv.samples(samples, sp);
        List<Architecture> archs = rows.stream().map(ArchCsv.Sample::arch).toList();
        double[] ms = rows.stream().mapToDouble(ArchCsv.Sample::ms).toArray();
        CostModelFile.Adapted adapted;
        try {
            adapted = CostModelFile.adapt(sp, device, archs, ms);
        } catch (BadInputException e) {
            throw new BadInputException(samples + ": " + e.getMessage());
        }
        CostModelFile.save(out, adapted);

        AdditiveCostPredictor p = adapted.predictor();
        double[] loo = p.leaveOneOutMs();
        Table t = new Table("device", "space", "samples", "spearman_loo", "mape_loo_%", "costs_ms", "out");
        t.row(device, sp.name(), ms.length, round(Metrics.spearman(loo, ms)), round(Metrics.mape(loo, ms)), costs(sp, p.coefficients()), out);
        PrintWriter w = spec.commandLine().getOut();
        t.print(dev.halo.cli.output.Format.table, w);
        w.println("spearman_loo / mape_loo: each measured arch predicted by a fit without it (an honest estimate with " + ms.length + " rows).");
        w.flush();
        return 0;
    }

    private static String costs(SearchSpace<?> sp, double[] b) {
        List<String> names = CostFeatures.forSpace(sp).orElseThrow().names();
        StringBuilder s = new StringBuilder("fixed=").append(round(b[0]));
        for (int k = 0; k < names.size(); k++) s.append(' ').append(names.get(k)).append('=').append(round(b[k + 1]));
        return s.toString();
    }

    /**
     * The reference archs, from the first of: --dataset, the data the model was trained on, the shared {@code help/<space>},
     * and (NB201 only) the list built into halo, so a fresh machine with just the shipped model can adapt.
     */
    private List<Architecture> referenceArchs(HelpModelFile.Stored base, SearchSpace<?> sp) {
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
                    + dev.halo.data.LatencyDataset.HW_EMBEDDING_FILE + "); " + DataLocation.describeMissing());
        }
        Path from = dir.resolve(dev.halo.data.LatencyDataset.HW_EMBEDDING_FILE);
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
