package dev.halo.cli;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpMetaTest;
import dev.halo.predict.help.HelpModel;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpProtocol;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.space.Nb201Graph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo meta-test}: HELP's meta-test protocol for a halo model file or HELP's released checkpoint. */
@Command(name = "meta-test", mixinStandardHelpOptions = true,
        description = {"Run HELP's own meta-test protocol on a model (the correctness anchor for HELP's checkpoints).",
                "",
                "Per device: N support archs from the kept train pool, z sampled, Meta-SGD adaptation, Spearman on the",
                "kept query pool; repeated over seeds. Models without z (MAML, Meta-SGD baselines) adapt once per task.",
                "Column 'spearman' is HELP's score (last Monte-Carlo sample), 'spearman_mc' the average of the samples."})
public final class MetaTestCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--space", required = true, description = "nasbench201 or fbnet.")
    String space;

    @Option(names = "--dataset", description = "Folder in the help/<space> CSV layout (default: shared data).")
    Path dataset;

    static final class Source {
        @Option(names = "--model", description = "A halo HELP model file (from halo meta-train).")
        Path model;

        @Option(names = "--help-checkpoint", arity = "0..1", fallbackValue = "", description = "HELP's released checkpoint (default: <dataset>/checkpoint/help_max_corr.pt).")
        String helpCheckpoint;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--wiring", defaultValue = "HELP", description = "NB201 graph wiring for a HELP checkpoint: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Nb201Graph.Wiring wiring;

    @Option(names = "--devices", split = ",", description = "Devices to test (default: HELP's meta-test devices).")
    List<String> devices;

    @Option(names = "--seeds", defaultValue = "5", description = "Repetitions with seeds 0..N-1 (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--shots", defaultValue = "10", description = "Support archs per device (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(names = "--mc", defaultValue = "10", description = "Monte-Carlo samples of z (default: ${DEFAULT-VALUE}, HELP's; 0: z at its posterior mean).")
    int mc;

    @Option(names = "--inner-steps", description = "Inner-loop steps at adaptation (default: the model's, 2 for HELP).")
    Integer innerSteps;

    @Mixin FormatOption format;

    @Override
    public Integer call() {
        if (seeds < 1 || shots < 1 || mc < 0) throw new BadInputException("--seeds and --shots must be at least 1, --mc at least 0 (0: z at its posterior mean)");
        dev.halo.io.Limits.check("--seeds", seeds, 1, dev.halo.io.Limits.MAX_SEEDS);
        dev.halo.io.Limits.check("--shots", shots, 1, 10_000);
        dev.halo.io.Limits.check("--mc", mc, 0, dev.halo.io.Limits.MAX_MC);
        if (innerSteps != null) dev.halo.io.Limits.check("--inner-steps", innerSteps, 0, 10_000);
        Path dir = dataset != null ? dataset : DataLocation.require("help/" + space);
        HelpModel model;
        HelpData data;
        if (source.model != null) {
            HelpModelFile.Stored stored = HelpModelFile.load(source.model);
            if (!stored.provenance().space().equals(space))
                throw new BadInputException(source.model + ": model is for space " + stored.provenance().space() + ", not " + space);
            String w = stored.provenance().nb201Wiring();
            data = HelpData.load(dir, HelpEncoder.forSpace(space, w.isEmpty() ? wiring : Nb201Graph.Wiring.valueOf(w)));
            model = stored.model();
        } else {
            data = HelpData.load(dir, HelpEncoder.forSpace(space, wiring));
            Path ckpt = source.helpCheckpoint.isEmpty() ? dir.resolve("checkpoint/help_max_corr.pt") : Path.of(source.helpCheckpoint);
            model = HelpModel.fromHelpCheckpoint(ckpt, data.network());
        }
        if (innerSteps != null) {
            if (innerSteps < 0) throw new BadInputException("--inner-steps must be >= 0");
            model = model.withInnerSteps(innerSteps);
        }
        List<String> devs = devices != null ? devices : HelpTrainingConfig.helpTestDevices(space);
        Map<String, List<HelpMetaTest.DeviceResult>> byDevice = new LinkedHashMap<>();
        for (String d : devs) byDevice.put(d, new ArrayList<>());
        List<Long> seedList = java.util.stream.LongStream.range(0, seeds).boxed().toList();
        for (List<HelpMetaTest.DeviceResult> perSeed : HelpMetaTest.runSeeds(model, data, HelpProtocol.forSpace(space), devs, shots, mc, seedList))
            for (HelpMetaTest.DeviceResult r : perSeed) byDevice.get(r.device()).add(r);
        Table t = new Table("device", "spearman", "spearman_sd", "spearman_mc", "seeds");
        double all = 0, allMc = 0;
        for (var e : byDevice.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(HelpMetaTest.DeviceResult::spearmanLastSample).toArray();
            double m = mean(v), mm = e.getValue().stream().mapToDouble(HelpMetaTest.DeviceResult::spearmanMcMean).average().orElse(Double.NaN);
            all += m / devs.size();
            allMc += mm / devs.size();
            t.row(e.getKey(), round(m), round(sd(v)), round(mm), seeds);
        }
        t.row("mean", round(all), "", round(allMc), seeds);
        PrintWriter out = spec.commandLine().getOut();
        t.print(format.format, out);
        out.flush();
        return 0;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) return 0;
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return Math.sqrt(s / (v.length - 1));
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
