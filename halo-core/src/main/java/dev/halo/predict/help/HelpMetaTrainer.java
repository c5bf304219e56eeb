package dev.halo.predict.help;

import dev.halo.nn.Adam;
import dev.halo.nn.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * HELP's meta-training ({@code help.py} {@code meta_train}) in Java: each episode draws
 * {@code tasksPerEpisode} distinct meta-train devices, builds a few-shot task per device (support and query
 * from its kept train pool), computes the second-order meta-gradient of
 * {@code mean_t MSE_query(adapted_t) + klWeight · KL_t} and takes one Adam step on all trainable tensors
 * (initial weights, Meta-SGD rates, inference network; those of them the model's {@link HelpVariant} has, so
 * the same loop trains the MAML and Meta-SGD baselines).
 *
 * <p>Deviations from HELP, on purpose: (1) the KL term is each task's own KL (HELP adds the last task's KL
 * once per task, same expected weight); (2) model selection uses only the meta-valid devices, on fixed
 * validation tasks with z at its posterior mean (HELP compares the best of meta-train and meta-valid mean
 * Spearman on fresh random tasks), so the choice is less noisy and never sees training devices.
 *
 * <p>Every episode's randomness derives from (seed, episode), so a run resumed from a checkpoint continues
 * exactly as the uninterrupted run would.
 */
public final class HelpMetaTrainer {
    private final HelpData data;
    private final HelpProtocol protocol;
    private final HelpTrainingConfig config;
    private final int threads;
    private final Map<String, ValidationTask[]> validation = new LinkedHashMap<>();

    private record ValidationTask(HelpProtocol.Task task, HelpInputs support, HelpNetwork.Prepared query) {}

    /** Progress of a run: what a checkpoint holds. */
    public record State(HelpModel current, Adam adam, int episode, HelpModel best, double bestValidSpearman, int bestEpisode, double trainSeconds) {}

    /** One progress report, emitted after each validation. */
    public record Progress(int episode, int episodes, double queryLoss, double kl, double validSpearman, double bestValidSpearman, int bestEpisode, double seconds) {}

    public HelpMetaTrainer(HelpData data, HelpTrainingConfig config, int threads) {
        this.data = data;
        this.protocol = HelpProtocol.forSpace(data.space());
        this.config = config;
        this.threads = Math.max(1, threads);
        for (String d : config.trainDevices()) data.latency(d);
        int di = 0;
        for (String d : config.validDevices()) {
            ValidationTask[] v = new ValidationTask[config.validTasks()];
            for (int k = 0; k < v.length; k++) {
                HelpProtocol.Task t = protocol.testTask(data, d, config.shots(), new SplittableRandom(mix(config.seed() ^ 0x5EEDL, di * 1000L + k)));
                v[k] = new ValidationTask(t, data.inputs().rows(t.support()), k == 0 ? data.network().prepare(data.inputs().rows(t.query())) : null);
            }
            // the query pool does not depend on the support draw: prepare it once per device
            for (int k = 1; k < v.length; k++) v[k] = new ValidationTask(v[k].task(), v[k].support(), v[0].query());
            validation.put(d, v);
            di++;
        }
    }

    public HelpTrainingConfig config() {
        return config;
    }

    public State start(HelpModel initial) {
        return new State(initial, Adam.start(config.metaLr(), initial.allParameters()), 0, initial, Double.NEGATIVE_INFINITY, 0, 0);
    }

    /** Runs episodes until {@code config.episodes()} or {@code untilEpisode}, reporting after each validation and handing each validated state to {@code checkpoint}. */
    public State train(State state, int untilEpisode, Consumer<Progress> progress, Consumer<State> checkpoint) {
        int end = Math.min(untilEpisode, config.episodes());
        double lossSum = 0, klSum = 0;
        int since = 0;
        long t0 = System.nanoTime();
        double before = state.trainSeconds();
        ForkJoinPool pool = threads > 1 ? new ForkJoinPool(threads) : null;
        try {
            while (state.episode() < end) {
                EpisodeResult r = episode(state.current(), state.episode(), pool);
                Adam.Step step = state.adam().step(state.current().allParameters(), r.gradient());
                HelpModel next = state.current().withAllParameters(step.params());
                int ep = state.episode() + 1;
                lossSum += r.queryLoss();
                klSum += r.kl();
                since++;
                double secs = before + (System.nanoTime() - t0) / 1e9;
                state = new State(next, step.state(), ep, state.best(), state.bestValidSpearman(), state.bestEpisode(), secs);
                if (ep % config.validEvery() == 0 || ep == config.episodes()) {
                    double v = validate(next, pool);
                    if (v > state.bestValidSpearman()) state = new State(next, step.state(), ep, next, v, ep, secs);
                    progress.accept(new Progress(ep, config.episodes(), lossSum / since, klSum / since, v, state.bestValidSpearman(), state.bestEpisode(), secs));
                    checkpoint.accept(state);
                    lossSum = klSum = 0;
                    since = 0;
                }
            }
        } finally {
            if (pool != null) pool.shutdown();
        }
        return state;
    }

    private record EpisodeResult(double queryLoss, double kl, Params gradient) {}

    private EpisodeResult episode(HelpModel model, int episode, ForkJoinPool pool) {
        SplittableRandom rng = new SplittableRandom(mix(config.seed(), episode));
        int[] devices = HelpProtocol.shuffled(IntStream.range(0, config.trainDevices().size()).toArray(), rng);
        int tasks = Math.min(config.tasksPerEpisode(), devices.length);
        List<HelpMetaGradient.Task> ts = new ArrayList<>();
        List<double[]> noise = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            HelpProtocol.Task task = protocol.trainTask(data, config.trainDevices().get(devices[t]), config.shots(), config.queryShots(), rng);
            ts.add(new HelpMetaGradient.Task(data.inputs().rows(task.support()), task.supportTargets(), data.inputs().rows(task.query()), task.queryTargets(), task.hardware()));
            noise.add(model.variant().zModulation() ? HelpModel.gaussian(rng, InferenceNetwork.zLength(model.network())) : null);
        }
        HelpMetaGradient.Result[] results = new HelpMetaGradient.Result[tasks];
        Runnable all = () -> IntStream.range(0, tasks).parallel().forEach(t ->
                results[t] = HelpMetaGradient.gradient(model, ts.get(t), noise.get(t), 1.0 / tasks, config.klWeight(), config.secondOrder()));
        if (pool != null) pool.submit(all).join();
        else for (int t = 0; t < tasks; t++) results[t] = HelpMetaGradient.gradient(model, ts.get(t), noise.get(t), 1.0 / tasks, config.klWeight(), config.secondOrder());
        Params g = results[0].gradient();
        double loss = results[0].queryLoss(), kl = results[0].kl();
        for (int t = 1; t < tasks; t++) {
            g = g.plusScaled(results[t].gradient(), 1);
            loss += results[t].queryLoss();
            kl += results[t].kl();
        }
        return new EpisodeResult(loss / tasks, kl / tasks, g);
    }

    /** The meta-valid score of one number of adaptation steps. */
    public record StepsScore(int steps, double validSpearman) {}

    /** The model with the adaptation steps of {@code grid} that score best on the meta-valid tasks (ties: fewer steps), and every score. */
    public record StepsChoice(HelpModel model, List<StepsScore> scores) {}

    /**
     * Chooses how many inner steps adaptation takes, on the meta-valid devices only: HELP adapts with as many steps
     * as it trained with (2), but more steps at adaptation can fit a new device better; which is better is a
     * property of the trained model, so it is decided like the episode, on the validation tasks.
     */
    public StepsChoice chooseInnerSteps(HelpModel model, int[] grid) {
        List<StepsScore> scores = new ArrayList<>();
        HelpModel best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int k : java.util.Arrays.stream(grid).sorted().distinct().toArray()) {
            if (k < 0) throw new dev.halo.BadInputException("adaptation steps must be >= 0, got " + k);
            HelpModel m = model.withInnerSteps(k);
            double v = validate(m);
            scores.add(new StepsScore(k, v));
            if (v > bestScore) {
                bestScore = v;
                best = m;
            }
        }
        if (best == null) throw new dev.halo.BadInputException("no adaptation steps to choose from");
        return new StepsChoice(best, List.copyOf(scores));
    }

    /** Mean Spearman over the meta-valid devices and their fixed tasks (z at the posterior mean). */
    public double validate(HelpModel model) {
        return validate(model, null);
    }

    /** The tasks run in {@code pool} when given; the mean is summed in task order, so it does not depend on the threads. */
    private double validate(HelpModel model, ForkJoinPool pool) {
        List<ValidationTask> tasks = validation.values().stream().flatMap(java.util.Arrays::stream).toList();
        double[] spearman = new double[tasks.size()];
        java.util.function.IntConsumer one = i -> {
            ValidationTask v = tasks.get(i);
            Params adapted = model.adapt(v.support(), v.task().supportTargets(), v.task().hardware(), null);
            spearman[i] = dev.halo.stats.Metrics.spearman(model.network().predict(adapted, v.query(), v.task().hardware()), v.task().queryTargets());
        };
        if (pool != null) pool.submit(() -> IntStream.range(0, spearman.length).parallel().forEach(one)).join();
        else for (int i = 0; i < spearman.length; i++) one.accept(i);
        double sum = 0;
        for (double x : spearman) sum += x;
        return sum / spearman.length;
    }

    static long mix(long seed, long k) {
        long z = seed * 0x9E3779B97F4A7C15L + k * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
