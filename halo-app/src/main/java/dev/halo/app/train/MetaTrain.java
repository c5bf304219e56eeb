package dev.halo.app.train;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.io.SafeOutput;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * HELP meta-training from scratch (or the HELP paper's MAML / Meta-SGD baselines), with checkpoints at every validation,
 * resume, an optional time limit and meta-valid choice of the adaptation steps.
 */
public final class MetaTrain {
    /**
     * What to train; null options take HELP's defaults ({@code dataset}: the shared {@code help/<space>}; {@code checkpoint}:
     * {@code <out>.ckpt.json}). With {@code resume} the checkpoint's settings win.
     */
    public record Request(String space, Path dataset, Path out, Path checkpoint, Path resume, Integer episodes, long seed, int validEvery,
            Double timeLimitMinutes, String algorithm, double innerLr, int[] adaptSteps, Integer trainInnerSteps, Double metaLr, Double klWeight,
            boolean firstOrder, int threads, Nb201Graph.Wiring wiring, List<String> trainDevices, List<String> validDevices) {
        public Request {
            if (episodes != null) Limits.check("--episodes", episodes, 1, 10_000_000);
            Limits.check("--valid-every", validEvery, 1, 10_000_000);
            Limits.check("--threads", threads, 1, 1024);
            // the same messages as the checks in training, before anything is loaded; then halo's upper bounds
            if (metaLr != null && (!(metaLr > 0) || metaLr.isInfinite())) throw new BadInputException("--meta-lr must be a positive number, got " + metaLr);
            if (klWeight != null && (!(klWeight >= 0) || klWeight.isInfinite())) throw new BadInputException("--kl-weight must be a number >= 0, got " + klWeight);
            if (timeLimitMinutes != null && !(timeLimitMinutes >= 0))
                throw new BadInputException("--time-limit must be a number of minutes >= 0, got " + timeLimitMinutes);
            if (metaLr != null) Limits.check("--meta-lr", metaLr, 1e-12, 10);
            Limits.check("--inner-lr", innerLr, 0, 10);
            if (klWeight != null) Limits.check("--kl-weight", klWeight, 0, 1e6);
            if (timeLimitMinutes != null) Limits.check("--time-limit", timeLimitMinutes, 0, 1e6);
            SafeOutput.check(out, "--out");
            if (checkpoint != null) SafeOutput.check(checkpoint, "--checkpoint");
        }
    }

    /** Hears when training starts (from which episode, with what) and each validation; cancellation stops at the next validation. */
    public interface Listener extends dev.halo.app.Listener {
        default void started(HelpVariant variant, HelpTrainingConfig config, int fromEpisode) {}

        default void validated(HelpMetaTrainer.Progress progress) {}
    }

    /** The adaptation steps tried and kept, the last state (its episode below the config's when stopped early) and the checkpoint file. */
    public record Result(HelpMetaTrainer.StepsChoice steps, HelpMetaTrainer.State last, HelpTrainingConfig config, Path checkpoint) {
        public boolean stoppedEarly() {
            return last.episode() < config.episodes();
        }
    }

    private final Request r;
    private Nb201Graph.Wiring usedWiring;

    private MetaTrain(Request r) {
        this.r = r;
    }

    public static Result run(Request request, Listener listener) {
        return new MetaTrain(request).train(listener);
    }

    private Result train(Listener listener) {
        String space = r.space();
        Path out = r.out(), checkpoint = r.checkpoint(), resume = r.resume(), dataset = r.dataset();
        Integer episodes = r.episodes(), trainInnerSteps = r.trainInnerSteps();
        Double metaLr = r.metaLr(), klWeight = r.klWeight(), timeLimitMinutes = r.timeLimitMinutes();
        long seed = r.seed();
        int threads = r.threads();
        List<String> trainDevices = r.trainDevices(), validDevices = r.validDevices();
        if (!space.equals("nasbench201") && !space.equals("fbnet")) throw new BadInputException("--space must be nasbench201 or fbnet, not " + space);
        HelpVariant variant = HelpVariant.Algorithm.byId(r.algorithm()).variant(r.innerLr());
        Path dir = dataset != null ? dataset : DataLocation.require("help/" + space);
        if (!Files.isDirectory(dir)) throw new BadInputException("--dataset " + dir + ": not a folder");
        Path ckpt = checkpoint != null ? checkpoint : out.resolveSibling(out.getFileName() + ".ckpt.json");
        Nb201Graph.Wiring w = r.wiring();
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
            config = HelpTrainingConfig.helpDefaults(space, seed).withValidEvery(r.validEvery()).withSecondOrder(!r.firstOrder());
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
        HelpTrainingConfig cfg = config;
        listener.started(state.current().variant(), cfg, state.episode());
        if (timeLimitMinutes != null && !(timeLimitMinutes >= 0)) throw new BadInputException("--time-limit must be a number of minutes >= 0, got " + timeLimitMinutes);
        long deadline = timeLimitMinutes == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeLimitMinutes * 60e9);
        HelpMetaTrainer.State last = state;
        // train in stretches that end at a validation, so a time limit or a cancellation always stops on a checkpointed, validated state
        while (last.episode() < cfg.episodes() && (last.episode() == state.episode() || System.nanoTime() < deadline && !listener.cancelled())) {
            int until = Math.min(cfg.episodes(), (last.episode() / cfg.validEvery() + 1) * cfg.validEvery());
            last = trainer.train(last, until, listener::validated, s -> HelpModelFile.saveCheckpoint(ckpt, s, cfg, provenance(cfg, s, dir)));
        }
        HelpMetaTrainer.StepsChoice steps = trainer.chooseInnerSteps(last.best(), r.adaptSteps());
        HelpModelFile.save(out, steps.model(), provenance(cfg, last, dir));
        return new Result(steps, last, cfg, ckpt);
    }

    private HelpProvenance provenance(HelpTrainingConfig c, HelpMetaTrainer.State s, Path dir) {
        return new HelpProvenance("meta-trained", c.space(), c.trainDevices(), c.validDevices(), c.seed(), s.episode(), s.bestEpisode(),
                s.bestValidSpearman(), c.secondOrder(), Halo.version(), dir.toAbsolutePath().toString(),
                c.space().equals("nasbench201") ? usedWiring.name() : "", Instant.now().toString(), s.best().variant().algorithm());
    }
}
