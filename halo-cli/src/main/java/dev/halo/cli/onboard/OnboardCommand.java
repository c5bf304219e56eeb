package dev.halo.cli.onboard;

import dev.halo.BadInputException;
import dev.halo.app.onboard.Onboarding;
import dev.halo.cli.measure.MeasureOptions;
import dev.halo.space.Spaces;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo onboard}: measure this machine, adapt the meta-trained model to it, predict the space, validate honestly. */
@Command(
        name = "onboard",
        mixinStandardHelpOptions = true,
        description = {
            "Turn this machine into a profiled device of a search space, validated on fresh archs.",
            "Measures the space's 10 reference archs and --samples more with ONNX Runtime,",
            "fits the predictor (auto: op-costs; --predictor help adapts the meta-trained",
            "HELP model), predicts every architecture of the space,",
            "then measure --validate fresh random archs (nasbench201: stratified by cell",
            "kind, every kind represented) and report how well the predictions match",
            "(Spearman with its 95 %% interval, MAPE, share within ±10 %%) next to how",
            "well this machine reproduces its own measurements (round 1 vs round 2: the",
            "ceiling for any predictor). HELP's level is calibrated to the machine's.",
            "Spaces: nasbench201, fbnet, ofa (HELP's 10 reference archs of each are",
            "built in; fbnet and ofa have no shipped HELP model, so auto is op-costs).",
            "Writes into --out: NAME.op-costs.json or NAME.help.json (the device model),",
            "predictions.csv (arch,predicted_ms,lower,upper; nasbench201 only: fbnet and",
            "ofa are too large to list), onboard.json (provenance and validation) and",
            "measurements.db (the store, unless --store is given).",
            "Running the same command again skips everything already measured."
        })
public final class OnboardCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--space", required = true, paramLabel = "S", description = "Search space: nasbench201, fbnet or ofa.")
    String space;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "Name of this device (letters, digits, . _ -).")
    String name;

    @Mixin OnboardOptions options = new OnboardOptions();

    @Mixin MeasureOptions how = new MeasureOptions();

    @Override
    public Integer call() {
        String spaceName = Spaces.byName(space).name();
        return OnboardRun.execute(options.plan(spaceName, name, how.settings()), options.json(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Options shared by {@code onboard} and {@code demo} (the demo has smaller defaults). */
    public static final class OnboardOptions {
        @Option(names = "--model", paramLabel = "FILE", description = "Meta-trained HELP model (default: the one shipped with halo for the space).")
        Path model;

        @Option(names = "--predictor", paramLabel = "auto|help|op-costs",
                description = "auto (default): the rule of docs/RESULTS.md for one machine, which is op-costs on nasbench201, fbnet and ofa; "
                        + "op-costs: fit this machine's own cost per operation to the reference and sample latencies together, "
                        + "with the samples chosen to pin those costs down (no model needed; level with help in paired demo runs on this "
                        + "project's VM, docs/results/onboard.md); help: adapt the meta-trained HELP model.")
        String predictor = "auto";

        @Option(names = "--features", paramLabel = "auto|op-counts|block-costs|executed-kernels",
                description = "op-costs' feature set. auto (default): on nasbench201 the kernels ONNX Runtime runs (executed-kernels, "
                        + "worked out from the cell string) when ORT's own optimised graph on this machine has exactly those kernels "
                        + "for the references and degenerate cells (checked first, about 0.5 s), else op-counts (how many edges carry "
                        + "each operation); fbnet and ofa: block-costs. executed-kernels on fbnet (the work of the kernels ORT runs, "
                        + "worked out from the arch and this CPU's NCHWc block) is checked against ORT the same way first.")
        String features = Onboarding.AUTO_FEATURES;

        @Option(names = "--samples", paramLabel = "N", description = "Archs measured for the adaptation besides the references: random, or chosen for op-costs (default: ${DEFAULT-VALUE}).")
        int samples = 10;

        @Option(names = "--validate", paramLabel = "N", description = "Fresh random archs measured to check the predictor (default: ${DEFAULT-VALUE}; fewer cannot see a failure: "
                + "the Spearman's 95 %% interval is about ±.03 at .95 with 30 archs, ±.015 with 100).")
        int validate = 100;

        @Option(names = "--rounds", paramLabel = "R", description = "Interleaved measurement rounds, at least 2 (default: ${DEFAULT-VALUE}).")
        int rounds = 2;

        @Option(names = "--statistic", paramLabel = "median|min", description = "Latency of an arch: its median or its fastest run, median over rounds (default: ${DEFAULT-VALUE}).")
        String statistic = "median";

        @Option(names = "--mc-samples", paramLabel = "N", description = "Monte-Carlo draws of the model's latent variable, averaged into the prediction (default: ${DEFAULT-VALUE}). The interval comes from the samples' leave-one-out errors.")
        int mcSamples = 10;

        @Option(names = "--level", paramLabel = "P", description = "Central level of the prediction interval (default: ${DEFAULT-VALUE}).")
        double level = 0.8;

        @Option(names = "--seed", paramLabel = "S", description = "Seed of the arch draws, round orders, network weights and latent draws (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", paramLabel = "DIR", description = "Output folder (default: onboard-NAME).")
        Path out;

        @Option(names = "--store", paramLabel = "FILE", description = "SQLite measurement store (default: DIR/measurements.db).")
        Path store;

        @Option(names = "--format", paramLabel = "table|json", description = "Output format (default: ${DEFAULT-VALUE}).")
        String format = "table";

        boolean json() {
            return switch (format.strip().toLowerCase(Locale.ROOT)) {
                case "table" -> false;
                case "json" -> true;
                default -> throw new BadInputException("--format must be table or json, got '" + format + "'");
            };
        }

        /** The plan these options describe, with why {@code auto} chose its predictor. */
        Onboarding.Planned plan(String space, String name, dev.halo.measure.MeasureSettings settings) {
            json(); // reject a bad --format before any work
            return Onboarding.plan(space, name, new Onboarding.Choices(predictor, features, model, samples, validate, rounds, seed, statistic, mcSamples, level, store, out),
                    settings);
        }
    }
}
