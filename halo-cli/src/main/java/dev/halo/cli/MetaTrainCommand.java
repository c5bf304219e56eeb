package dev.halo.cli;

import dev.halo.app.train.MetaTrain;
import dev.halo.predict.help.HelpMetaTrainer;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.predict.help.HelpVariant;
import dev.halo.space.Nb201Graph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;


/** {@code halo meta-train}: HELP meta-training from scratch, with checkpoints, resume and meta-valid model selection. */
@Command(name = "meta-train", mixinStandardHelpOptions = true,
        description = {"Meta-train a HELP latency predictor from scratch, or one of HELP's baselines.",
                "HELP is Meta-SGD + hardware embedding + z modulation; the baselines are the HELP paper's baselines without hardware embedding: MAML (fixed inner rate) or Meta-SGD",
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

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        MetaTrain.Result r = MetaTrain.run(new MetaTrain.Request(space, dataset, out, checkpoint, resume, episodes, seed, validEvery, timeLimitMinutes,
                algorithm, innerLr, adaptSteps, trainInnerSteps, metaLr, klWeight, firstOrder, threads, wiring, trainDevices, validDevices), new MetaTrain.Listener() {
            @Override
            public void started(HelpVariant v, HelpTrainingConfig cfg, int fromEpisode) {
                err.printf("meta-train %s %s: %d episodes from %d, %s, %s inner rate %s, train %s, valid %s%n", v.algorithm(), space, cfg.episodes(), fromEpisode,
                        cfg.secondOrder() ? "second order" : "first order", v.learnedInnerRates() ? "learned" : "fixed", v.innerRate(), cfg.trainDevices(), cfg.validDevices());
                err.flush();
            }

            @Override
            public void validated(HelpMetaTrainer.Progress p) {
                err.printf("episode %d/%d  loss %.5f  kl %.2f  valid-spearman %.4f  best %.4f@%d  %.0fs%n", p.episode(), p.episodes(),
                        p.queryLoss(), p.kl(), p.validSpearman(), p.bestValidSpearman(), p.bestEpisode(), p.seconds());
                err.flush();
            }
        });
        PrintWriter o = spec.commandLine().getOut();
        o.printf("adaptation steps on the meta-valid devices: %s; kept %d%n", r.steps().scores().stream()
                .map(x -> String.format("%d -> %.4f", x.steps(), x.validSpearman())).collect(Collectors.joining(", ")), r.steps().model().innerSteps());
        if (r.stoppedEarly())
            o.printf("stopped at the time limit after %d of %d episodes (resume with --resume %s)%n", r.last().episode(), r.config().episodes(), r.checkpoint());
        o.printf("wrote %s: best meta-valid Spearman %.4f at episode %d of %d (%.0f s training)%n", out, r.last().bestValidSpearman(), r.last().bestEpisode(),
                r.last().episode(), r.last().trainSeconds());
        o.flush();
        return 0;
    }
}
