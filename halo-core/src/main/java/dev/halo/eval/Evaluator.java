package dev.halo.eval;

import dev.halo.fewshot.Benchmark;
import dev.halo.fewshot.FewShotProtocol;
import dev.halo.fewshot.FewShotTask;
import dev.halo.fewshot.SampleSelection;
import dev.halo.fewshot.Split;
import dev.halo.predict.FewShotContext;
import dev.halo.predict.FewShotMethod;
import dev.halo.predict.LatencyPredictor.Prediction;
import dev.halo.predict.LatencyPredictor;
import dev.halo.space.Architecture;
import dev.halo.stats.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Runs a {@link FewShotMethod} over a split and seeds with HELP's protocol and scores it on each test device:
 * <ul>
 *   <li>{@code spearman}, {@code kendall}: on the device's kept (10–90 %) query pool, as HELP reports;</li>
 *   <li>{@code spearmanFull}: on every architecture of the table except the task's samples;</li>
 *   <li>{@code mape}, {@code within10}: on the kept query pool, in ms. Methods that only rank
 *       ({@link FewShotMethod#predictsMilliseconds()} false) are first mapped to ms by a least-squares line
 *       {@code ms = a + b * output} through the task's known latencies (reference + samples);</li>
 *   <li>{@code coverage80}, {@code coverage95}: share of kept query latencies inside the predictor's central
 *       80 %/95 % intervals, reported only if some interval has non-zero width (predictors without an
 *       uncertainty model return zero-width intervals).</li>
 * </ul>
 * Per-device scores are means over seeds; the summary row is the mean over devices.
 */
public final class Evaluator {
    private final Benchmark benchmark;
    private final FewShotProtocol protocol;
    private final SampleSelection selection;

    public Evaluator(Benchmark benchmark) {
        this(benchmark, SampleSelection.RANDOM);
    }

    /** An evaluator whose test tasks' samples are chosen by {@code selection} (HELP's is {@link SampleSelection#RANDOM}). */
    public Evaluator(Benchmark benchmark, SampleSelection selection) {
        this(benchmark, selection, true);
    }

    /**
     * As {@link #Evaluator(Benchmark, SampleSelection)}; with {@code references} false the test tasks know only
     * their samples (NASFLAT's count of known latencies), and methods that need the references refuse.
     */
    public Evaluator(Benchmark benchmark, SampleSelection selection, boolean references) {
        this.benchmark = benchmark;
        FewShotProtocol help = new FewShotProtocol(benchmark.table(), benchmark.pools());
        this.protocol = references ? help : help.withoutReferences();
        this.selection = selection;
    }

    /** Called after each scored task, e.g. to show progress; {@code done} counts from 1 to {@code total}. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (task, done, total) -> {};

        void taskDone(FewShotTask task, int done, int total);
    }

    public EvaluationReport evaluate(FewShotMethod method, Split split, int samples, List<Long> seeds) {
        return evaluate(method, split, samples, seeds, Progress.NONE);
    }

    public EvaluationReport evaluate(FewShotMethod method, Split split, int samples, List<Long> seeds, Progress progress) {
        split.validate(benchmark.table().deviceNames());
        if (seeds.isEmpty()) throw new dev.halo.BadInputException("--seeds must be at least 1");
        // Draw every task first: bad settings (too many samples) fail before any training.
        List<List<FewShotTask>> tasksByDevice = new ArrayList<>();
        for (String device : split.test()) {
            List<FewShotTask> tasks = new ArrayList<>();
            for (long seed : seeds) tasks.add(protocol.task(device, samples, seed, selection));
            tasksByDevice.add(tasks);
        }
        FewShotMethod.Adapter adapter = method.prepare(new FewShotContext(benchmark, split, samples));
        List<DeviceScore> scores = new ArrayList<>();
        List<List<DeviceScore>> perSeedByDevice = new ArrayList<>();
        int total = split.test().size() * seeds.size(), done = 0;
        for (List<FewShotTask> tasks : tasksByDevice) {
            List<DeviceScore> perSeed = new ArrayList<>();
            for (FewShotTask task : tasks) {
                perSeed.add(score(method, adapter.adapt(task), task));
                progress.taskDone(task, ++done, total);
            }
            scores.add(average(tasks.get(0).device(), perSeed, seedSpread(perSeed)));
            perSeedByDevice.add(perSeed);
        }
        return new EvaluationReport(method.name(), adapter.summary(), split, samples, seeds, scores, perSeedByDevice,
                average("mean", scores, mean(scores, DeviceScore::spearmanSd)));
    }

    /** Scores one adapted predictor on its task's device. */
    public DeviceScore score(FewShotMethod method, LatencyPredictor predictor, FewShotTask task) {
        double[] truth = benchmark.table().latencies(task.device());
        double[] predictedAll = predictor.predictMs(benchmark.archs());
        int[] query = task.queryIndices();
        double[] queryTruth = FewShotProtocol.gather(truth, query);
        double[] queryPredicted = FewShotProtocol.gather(predictedAll, query);

        boolean[] isSample = new boolean[truth.length];
        for (int s : task.sampleIndices()) isSample[s] = true;
        int[] unseen = java.util.stream.IntStream.range(0, truth.length).filter(i -> !isSample[i]).toArray();
        double spearmanFull = Metrics.spearman(FewShotProtocol.gather(predictedAll, unseen), FewShotProtocol.gather(truth, unseen));

        double[] queryMs = queryPredicted;
        if (!method.predictsMilliseconds()) {
            double[] line = leastSquaresLine(FewShotProtocol.gather(predictedAll, task.knownIndices()), task.knownLatencies());
            queryMs = Arrays.stream(queryPredicted).map(v -> line[0] + line[1] * v).toArray();
        }
        Double coverage80 = null, coverage95 = null;
        if (method.predictsMilliseconds()) {
            List<Architecture> queryArchs = Arrays.stream(query).mapToObj(i -> (Architecture) benchmark.archs().get(i)).toList();
            coverage80 = coverage(predictor.predictWithInterval(queryArchs, 0.80), queryTruth);
            coverage95 = coverage(predictor.predictWithInterval(queryArchs, 0.95), queryTruth);
        }
        return new DeviceScore(task.device(),
                Metrics.spearman(queryPredicted, queryTruth), 0,
                Metrics.kendallTauB(queryPredicted, queryTruth),
                spearmanFull,
                Metrics.mape(queryMs, queryTruth),
                Metrics.withinTolerance(queryMs, queryTruth, 0.10),
                coverage80, coverage95);
    }

    /** Coverage of the intervals, or null if every interval has zero width (no uncertainty model). */
    private static Double coverage(Prediction[] predictions, double[] truth) {
        if (Arrays.stream(predictions).allMatch(p -> p.lowerMs() == p.upperMs())) return null;
        double[] lower = Arrays.stream(predictions).mapToDouble(Prediction::lowerMs).toArray();
        double[] upper = Arrays.stream(predictions).mapToDouble(Prediction::upperMs).toArray();
        return Metrics.intervalCoverage(lower, upper, truth);
    }

    /** {@code [a, b]} minimising {@code sum (y - a - b x)^2}; a flat line through the mean if x is constant. */
    static double[] leastSquaresLine(double[] x, double[] y) {
        double mx = Metrics.mean(x), my = Metrics.mean(y), sxy = 0, sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double b = sxx == 0 ? 0 : sxy / sxx;
        return new double[] {my - b * mx, b};
    }

    /** Sample standard deviation of Spearman's rho over seeds (0 for one seed). */
    private static double seedSpread(List<DeviceScore> perSeed) {
        int n = perSeed.size();
        if (n < 2) return 0;
        // Deviations from the first value, so that identical values give exactly 0 rather than rounding noise.
        double first = perSeed.get(0).spearman(), sum = 0, sumSquares = 0;
        for (DeviceScore s : perSeed) {
            double d = s.spearman() - first;
            sum += d;
            sumSquares += d * d;
        }
        return Math.sqrt(Math.max(0, (sumSquares - sum * sum / n) / (n - 1)));
    }

    /** Mean of every measure; the summary row's spread is the mean of the devices' seed spreads. */
    private static DeviceScore average(String label, List<DeviceScore> scores, double spearmanSd) {
        return new DeviceScore(label, mean(scores, DeviceScore::spearman), spearmanSd,
                mean(scores, DeviceScore::kendall), mean(scores, DeviceScore::spearmanFull),
                mean(scores, DeviceScore::mape), mean(scores, DeviceScore::within10),
                meanOrNull(scores, DeviceScore::coverage80), meanOrNull(scores, DeviceScore::coverage95));
    }

    private static double mean(List<DeviceScore> scores, ToDoubleFunction<DeviceScore> f) {
        return scores.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static Double meanOrNull(List<DeviceScore> scores, java.util.function.Function<DeviceScore, Double> f) {
        if (scores.stream().anyMatch(s -> f.apply(s) == null)) return null;
        return scores.stream().mapToDouble(s -> f.apply(s)).average().orElse(Double.NaN);
    }
}
