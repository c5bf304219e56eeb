package dev.halo.cli;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.Halo;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpMetaTrainer;
import dev.halo.predict.help.HelpModel;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.predict.help.HelpProvenance;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.predict.help.HelpVariant;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.space.Nb201Graph;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo meta-train}: HELP meta-training from scratch, with checkpoints, resume and meta-valid model selection. */
@Command(name = "meta-train", mixinStandardHelpOptions = true,
        description = {"Meta-train a HELP latency predictor (Meta-SGD + hardware embedding + z modulation) from scratch,",
                "or one of the HELP paper's baselines without hardware embedding: MAML (fixed inner rate) or Meta-SGD",
                "(learned per-parameter inner rates).",
                "Defaults are HELP's hyper-parameters and device split. A progress line per validation goes to stderr:",
                "episode, mean query loss, KL, meta-valid Spearman, best so far."})
public final class MetaTrainCommand implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--space", required = true, description = "nasbench201 or fbnet.")
    String space;

    @Option(names = "--dataset", description = "Folder in the help/<space> CSV layout (default: shared data).")
    Path dataset;

    @Option(names = "--out", required = true, description = "Model file to write (the best model on the meta-valid devices).")
    Path out;

    @Option(names = "--checkpoint", description = "Checkpoint file, rewritten at every validation (default: <out>.ckpt.json).")
    Path checkpoint;

    @Option(names = "--resume", description = "Continue from this checkpoint (its settings win over the options).")
    Path resume;

    @Option(names = "--episodes", description = "Meta-updates (default: HELP's, 2000 nasbench201 / 4000 fbnet).")
    Integer episodes;

    @Option(names = "--seed", defaultValue = "3", description = "Random seed (default: ${DEFAULT-VALUE}, HELP's).")
    long seed;

    @Option(names = "--valid-every", defaultValue = "50", description = "Episodes between validations (default: ${DEFAULT-VALUE}).")
    int validEvery;

    @Option(names = "--time-limit", paramLabel = "MINUTES",
            description = "Stop at the first validation after this many minutes of this run and write --out from the best model so far "
                    + "(the checkpoint stays resumable; the model's provenance records the episodes reached).")
    Double timeLimitMinutes;

    @Option(names = "--algorithm", defaultValue = "help",
            description = "help (hardware embedding + z + learned inner rates), maml or meta-sgd (no hardware embedding, no z; fixed or learned inner rates) (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--inner-lr", defaultValue = "1e-3",
            description = "Inner-loop learning rate: maml's fixed rate, the initial value of the learned rates otherwise (default: ${DEFAULT-VALUE}, HELP's).")
    double innerLr;

    @Option(names = "--adapt-steps", split = ",", paramLabel = "K",
            description = "Inner steps at adaptation to try on the meta-valid devices after training; the best is stored in the model "
                    + "(default: 2,4,8,16; '2' keeps HELP's).")
    int[] adaptSteps = {2, 4, 8, 16};

    @Option(names = "--train-inner-steps", paramLabel = "K",
            description = "Inner (Meta-SGD) steps per task during meta-training (default: HELP's, 2); --adapt-steps chooses the steps used afterwards.")
    Integer trainInnerSteps;

    @Option(names = "--meta-lr", paramLabel = "LR", description = "Adam learning rate of the outer loop (default: HELP's, 1e-4).")
    Double metaLr;

    @Option(names = "--kl-weight", paramLabel = "W", description = "Weight of the z modulator's KL term per task (default: HELP's, 0.1).")
    Double klWeight;

    @Option(names = "--first-order", description = "Drop the second-order terms of the meta-gradient (faster, HELP uses second order).")
    boolean firstOrder;

    @Option(names = "--threads", defaultValue = "1", description = "Tasks of a meta-batch computed in parallel (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--wiring", defaultValue = "HELP", description = "NB201 graph wiring: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Nb201Graph.Wiring wiring;

    @Option(names = "--train-devices", split = ",", description = "Meta-train devices (default: HELP's).")
    List<String> trainDevices;

    @Option(names = "--valid-devices", split = ",", description = "Meta-valid devices for model selection (default: HELP's).")
    List<String> validDevices;

    private Nb201Graph.Wiring usedWiring;

    @Override
    public Integer call() {
        if (episodes != null) dev.halo.io.Limits.check("--episodes", episodes, 1, 10_000_000);
        dev.halo.io.Limits.check("--valid-every", validEvery, 1, 10_000_000);
        dev.halo.io.Limits.check("--threads", threads, 1, 1024);
        // the same messages as the checks further down, before anything is loaded; then halo's upper bounds
        if (metaLr != null && (!(metaLr > 0) || metaLr.isInfinite())) throw new BadInputException("--meta-lr must be a positive number, got " + metaLr);
        if (klWeight != null && (!(klWeight >= 0) || klWeight.isInfinite())) throw new BadInputException("--kl-weight must be a number >= 0, got " + klWeight);
        if (timeLimitMinutes != null && !(timeLimitMinutes >= 0)) throw new BadInputException("--time-limit must be a number of minutes >= 0, got " + timeLimitMinutes);
        if (metaLr != null) dev.halo.io.Limits.check("--meta-lr", metaLr, 1e-12, 10);
        dev.halo.io.Limits.check("--inner-lr", innerLr, 0, 10);
        if (klWeight != null) dev.halo.io.Limits.check("--kl-weight", klWeight, 0, 1e6);
        if (timeLimitMinutes != null) dev.halo.io.Limits.check("--time-limit", timeLimitMinutes, 0, 1e6);
        dev.halo.io.SafeOutput.check(out, "--out");
        if (checkpoint != null) dev.halo.io.SafeOutput.check(checkpoint, "--checkpoint");
        if (!space.equals("nasbench201") && !space.equals("fbnet")) throw new BadInputException("--space must be nasbench201 or fbnet, not " + space);
        HelpVariant variant = HelpVariant.Algorithm.byId(algorithm).variant(innerLr);
        Path dir = dataset != null ? dataset : DataLocation.require("help/" + space);
        if (!Files.isDirectory(dir)) throw new BadInputException("--dataset " + dir + ": not a folder");
        Path ckpt = checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".ckpt.json");
        Nb201Graph.Wiring w = wiring;
        if (resume != null) {
            String stored = HelpModelFile.load(resume).provenance().nb201Wiring();
            if (!stored.isEmpty()) w = Nb201Graph.Wiring.valueOf(stored);
        }
        usedWiring = w;
        HelpData data = HelpData.load(dir, HelpEncoder.forSpace(space, w));
        HelpTrainingConfig config;
        HelpMetaTrainer.State state;
        HelpMetaTrainer trainer;
        if (resume != null) {
            HelpModelFile.Checkpoint c = HelpModelFile.loadCheckpoint(resume);
            config = c.config();
            trainer = new HelpMetaTrainer(data, config, threads);
            state = c.state();
        } else {
            config = HelpTrainingConfig.helpDefaults(space, seed).withValidEvery(validEvery).withSecondOrder(!firstOrder);
            if (episodes != null) config = config.withEpisodes(episodes);
            if (metaLr != null) {
                if (!(metaLr > 0) || metaLr.isInfinite()) throw new BadInputException("--meta-lr must be a positive number, got " + metaLr);
                config = config.withMetaLr(metaLr);
            }
            if (klWeight != null) {
                if (!(klWeight >= 0) || klWeight.isInfinite()) throw new BadInputException("--kl-weight must be a number >= 0, got " + klWeight);
                config = config.withKlWeight(klWeight);
            }
            if (trainDevices != null || validDevices != null)
                config = config.withDevices(trainDevices != null ? trainDevices : config.trainDevices(), validDevices != null ? validDevices : config.validDevices());
            trainer = new HelpMetaTrainer(data, config, threads);
            HelpModel initial = HelpModel.initialise(data.network(), variant, new Random(seed));
            if (trainInnerSteps != null) {
                if (trainInnerSteps < 1 || trainInnerSteps > 64) throw new BadInputException("--train-inner-steps must be between 1 and 64, got " + trainInnerSteps);
                initial = initial.withInnerSteps(trainInnerSteps);
            }
            state = trainer.start(initial);
        }
        PrintWriter err = spec.commandLine().getErr();
        HelpTrainingConfig cfg = config;
        HelpVariant v = state.current().variant();
        err.printf("meta-train %s %s: %d episodes from %d, %s, %s inner rate %s, train %s, valid %s%n", v.algorithm(), space, cfg.episodes(), state.episode(),
                cfg.secondOrder() ? "second order" : "first order", v.learnedInnerRates() ? "learned" : "fixed", v.innerRate(), cfg.trainDevices(), cfg.validDevices());
        err.flush();
        if (timeLimitMinutes != null && !(timeLimitMinutes >= 0)) throw new BadInputException("--time-limit must be a number of minutes >= 0, got " + timeLimitMinutes);
        long deadline = timeLimitMinutes == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeLimitMinutes * 60e9);
        HelpMetaTrainer.State last = state;
        // train in stretches that end at a validation, so a time limit always stops on a checkpointed, validated state
        while (last.episode() < cfg.episodes() && (last.episode() == state.episode() || System.nanoTime() < deadline)) {
            int until = Math.min(cfg.episodes(), (last.episode() / cfg.validEvery() + 1) * cfg.validEvery());
            last = trainer.train(last, until,
                    p -> {
                        err.printf("episode %d/%d  loss %.5f  kl %.2f  valid-spearman %.4f  best %.4f@%d  %.0fs%n", p.episode(), p.episodes(),
                                p.queryLoss(), p.kl(), p.validSpearman(), p.bestValidSpearman(), p.bestEpisode(), p.seconds());
                        err.flush();
                    },
                    s -> HelpModelFile.saveCheckpoint(ckpt, s, cfg, provenance(cfg, s, dir)));
        }
        PrintWriter o = spec.commandLine().getOut();
        HelpMetaTrainer.StepsChoice steps = trainer.chooseInnerSteps(last.best(), adaptSteps);
        o.printf("adaptation steps on the meta-valid devices: %s; kept %d%n", steps.scores().stream()
                .map(x -> String.format("%d -> %.4f", x.steps(), x.validSpearman())).collect(java.util.stream.Collectors.joining(", ")), steps.model().innerSteps());
        HelpModelFile.save(out, steps.model(), provenance(cfg, last, dir));
        if (last.episode() < cfg.episodes())
            o.printf("stopped at the time limit after %d of %d episodes (resume with --resume %s)%n", last.episode(), cfg.episodes(), ckpt);
        o.printf("wrote %s: best meta-valid Spearman %.4f at episode %d of %d (%.0f s training)%n", out, last.bestValidSpearman(), last.bestEpisode(), last.episode(), last.trainSeconds());
        o.flush();
        return 0;
    }

    private HelpProvenance provenance(HelpTrainingConfig c, HelpMetaTrainer.State s, Path dir) {
        return new HelpProvenance("meta-trained", c.space(), c.trainDevices(), c.validDevices(), c.seed(), s.episode(), s.bestEpisode(),
                s.bestValidSpearman(), c.secondOrder(), Halo.version(), dir.toAbsolutePath().toString(),
                c.space().equals("nasbench201") ? usedWiring.name() : "", Instant.now().toString(), s.best().variant().algorithm());
    }
}
