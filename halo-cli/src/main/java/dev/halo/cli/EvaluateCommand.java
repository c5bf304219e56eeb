package dev.halo.cli;

import dev.halo.BadInputException;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.eval.Benchmark;
import dev.halo.eval.Benchmarks;
import dev.halo.eval.DeviceScore;
import dev.halo.eval.EvaluationReport;
import dev.halo.eval.Evaluator;
import dev.halo.eval.FewShotMethod;
import dev.halo.eval.FewShotMethods;
import dev.halo.eval.ModelLoader;
import dev.halo.eval.Split;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo evaluate}: few-shot latency prediction on unseen devices, scored with HELP's protocol. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Score a few-shot latency predictor on devices it has not seen (HELP's protocol).",
            "",
            "Per test device the"
                    + " latencies of the 10 reference architectures and of N architectures sampled from its trimmed"
                    + " (10-90 %%) train pool are known; spearman and kendall are computed on its trimmed query pool,"
                    + " spearman_full on every architecture but the samples, mape and within10 in ms on the query pool"
                    + " (rank-only methods are first mapped to ms by a least-squares line through the known latencies),"
                    + " coverage80/95 when the predictor gives intervals. Scores are means over seeds 0..N-1; the last"
                    + " row is the mean over test devices.",
            "",
            "--references none hides the reference latencies: only the N samples are known, as in NASFLAT's"
                    + " protocol (compare its numbers with spearman_full, NASFLAT scores the whole space). HELP models"
                    + " need the references and refuse.",
            "",
            "Examples:",
            "  halo evaluate --space nasbench201 --method mix-loo --seeds 5",
            "  halo evaluate --space fbnet --method op-costs --references none --selection cost-optimal",
            "  halo evaluate --space fbnet --model ../shared/data/help/fbnet/checkpoint/help_max_corr.pt --format json"
        })
public final class EvaluateCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--space", required = true, description = "Search space: nasbench201, fbnet or ofa.")
    String space;

    @Option(names = "--dataset", description = "Folder in the HELP CSV layout (default: shared data help/<space>).")
    Path dataset;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--method", description = "A built-in method: flops, params, device-mix, nearest-device, supervised-mlp, or an installed one.")
        String method;

        @Option(names = "--model", description = "A trained model file (halo model or HELP .pt checkpoint) read by an installed loader. "
                + "Repeat it to evaluate the ensemble of several models (geometric mean of their predictions, e.g. seeds of one training).")
        List<Path> models;
    }

    @Option(names = "--split", description = "A built-in split: help (HELP's default for the space; the default when no device lists are given).")
    String split;

    @Option(names = "--train-devices", description = "Comma-separated devices the method may learn from.")
    String trainDevices;

    @Option(names = "--valid-devices", description = "Comma-separated devices the method may tune on.")
    String validDevices;

    @Option(names = "--test-devices", description = "Comma-separated devices to score on.")
    String testDevices;

    @Option(names = "--samples", defaultValue = "10", description = "Measured architectures per test device (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seeds", defaultValue = "5", description = "Number of seeds (0..N-1) to average over (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--selection", defaultValue = "random",
            description = "How the test devices' samples are chosen from the kept train pool: random (HELP's, the default), flops-spread, kcenter, d-optimal or cost-optimal (the operation costs op-costs fits; nasbench201, fbnet).")
    String selection;

    @Option(names = "--references", defaultValue = "help", paramLabel = "help|none",
            description = "Whether the test devices' latencies on the reference architectures are known: help (HELP's protocol, the default) or none (only the samples).")
    String references;

    @Mixin FormatOption format;

    @Override
    public Integer call() {
        if (samples < 1) throw new BadInputException("--samples must be at least 1, got " + samples);
        if (seeds < 1) throw new BadInputException("--seeds must be at least 1, got " + seeds);
        dev.halo.io.Limits.check("--seeds", seeds, 1, dev.halo.io.Limits.MAX_SEEDS);
        dev.halo.io.Limits.check("--samples", samples, 1, 10_000);
        if (!references.equals("help") && !references.equals("none"))
            throw new BadInputException("unknown --references '" + references + "'; known: help, none");
        boolean withReferences = references.equals("help");
        if (!withReferences && what.models != null)
            throw new BadInputException("--references none: a HELP model reads the 10 reference latencies as its hardware embedding; use --method");
        Split chosen = chooseSplit();
        Path dir = dataset != null ? dataset : dev.halo.DataLocation.require("help/" + space);
        Benchmark benchmark = Benchmarks.load(dir, space);
        chosen.validate(benchmark.table().deviceNames());
        FewShotMethod method = what.models == null ? FewShotMethods.byName(what.method)
                : what.models.size() == 1 ? ModelLoader.loadAny(what.models.get(0), benchmark.space())
                : new dev.halo.eval.GeometricEnsemble(what.models.stream().map(m -> ModelLoader.loadAny(m, benchmark.space())).toList());
        List<Long> seedList = LongStream.range(0, seeds).boxed().toList();
        var sampleSelection = dev.halo.eval.selection.SampleSelections.byName(selection, benchmark, chosen);
        EvaluationReport report = new Evaluator(benchmark, sampleSelection, withReferences).evaluate(method, chosen, samples, seedList, progress(method.name()));
        print(report, spec.commandLine().getOut());
        return 0;
    }

    /** A one-line counter on an interactive terminal's stderr; silent when stderr is redirected. */
    private Evaluator.Progress progress(String name) {
        if (System.console() == null) return Evaluator.Progress.NONE;
        PrintWriter err = spec.commandLine().getErr();
        return (task, done, total) -> {
            err.printf("\r%s: %d/%d tasks (%s, seed %d)   ", name, done, total, task.device(), task.seed());
            if (done == total) err.print("\r" + " ".repeat(72) + "\r");
            err.flush();
        };
    }

    private Split chooseSplit() {
        boolean lists = trainDevices != null || validDevices != null || testDevices != null;
        if (lists) {
            if (split != null) throw new BadInputException("give either --split or --train/--valid/--test-devices, not both");
            if (testDevices == null) throw new BadInputException("--test-devices is required with a custom split");
            return new Split(Split.parseList(trainDevices), Split.parseList(validDevices), Split.parseList(testDevices));
        }
        if (split != null && !split.equals("help")) throw new BadInputException("unknown --split '" + split + "'; known: help");
        return Split.helpDefault(space);
    }

    private void print(EvaluationReport report, PrintWriter out) {
        switch (format.format) {
            case json -> {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("method", report.method());
                if (!report.methodSummary().isEmpty()) json.put("method_summary", report.methodSummary());
                json.put("space", space);
                json.put("samples", report.samples());
                json.put("selection", selection);
                json.put("references", references);
                json.put("seeds", report.seeds());
                Map<String, Object> split = new LinkedHashMap<>();
                split.put("train", report.split().train());
                split.put("valid", report.split().valid());
                split.put("test", report.split().test());
                json.put("split", split);
                List<Map<String, Object>> devices = new java.util.ArrayList<>();
                for (int d = 0; d < report.devices().size(); d++) {
                    Map<String, Object> m = asMap(report.devices().get(d));
                    m.put("spearman_per_seed", report.perSeed().get(d).stream().map(DeviceScore::spearman).toList());
                    devices.add(m);
                }
                json.put("devices", devices);
                json.put("mean", asMap(report.mean()));
                json.put("mean_spearman", report.meanSpearman());
                try {
                    out.println(Table.JSON.writeValueAsString(json));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                out.flush();
            }
            case table, csv -> {
                if (format.format == dev.halo.cli.output.Format.table)
                    out.printf("%s on %s, %d samples%s%s, seeds 0..%d (means over seeds; spearman/kendall/mape on the kept query pool)%n",
                            report.method(), space, report.samples(), selection.equals("random") ? "" : " chosen by " + selection,
                            references.equals("help") ? "" : " (no reference latencies)", report.seeds().size() - 1);
                if (format.format == dev.halo.cli.output.Format.table && !report.methodSummary().isEmpty())
                    out.println(report.methodSummary());
                Table t = new Table("device", "spearman", "spearman_sd", "kendall", "spearman_full", "mape", "within10", "coverage80", "coverage95");
                for (DeviceScore s : report.devices()) row(t, s);
                row(t, report.mean());
                t.print(format.format, out);
            }
        }
    }

    private static void row(Table t, DeviceScore s) {
        t.row(s.device(), s.spearman(), s.spearmanSd(), s.kendall(), s.spearmanFull(), s.mape(), s.within10(), s.coverage80(), s.coverage95());
    }

    private static Map<String, Object> asMap(DeviceScore s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", s.device());
        m.put("spearman", s.spearman());
        m.put("spearman_sd", s.spearmanSd());
        m.put("kendall", s.kendall());
        m.put("spearman_full", s.spearmanFull());
        m.put("mape", s.mape());
        m.put("within10", s.within10());
        if (s.coverage80() != null) m.put("coverage80", s.coverage80());
        if (s.coverage95() != null) m.put("coverage95", s.coverage95());
        return m;
    }
}
