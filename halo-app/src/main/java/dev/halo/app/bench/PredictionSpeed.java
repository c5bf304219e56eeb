package dev.halo.app.bench;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.DataLocation;
import dev.halo.app.predict.ModelFiles;
import dev.halo.data.LatencyDataset;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.additive.AdditiveCostPredictor;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import dev.halo.stats.Metrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * How long adapting a HELP model to a device and predicting all 15,625 NAS-Bench-201 architectures take, in-process (no JVM
 * start, no file I/O), JMH-style: warm-up rounds that are not counted, then repetitions, median and spread reported. Every
 * timed call's result feeds a checksum so the JIT cannot drop the work. The op-costs rows time its fit (with the
 * leave-one-out refits of its intervals) and its whole-space prediction.
 */
public final class PredictionSpeed {
    /** {@code model}, {@code dataset} null: as {@code halo adapt} picks the model, the shared {@code help/nasbench201}. */
    public record Request(Path model, Path dataset, String device, int samples, List<Integer> mcs, int warmup, int reps) {
        public Request {
            if (warmup < 0 || reps < 1 || samples < 2) throw new BadInputException("--warmup must be >= 0, --reps >= 1 and --samples >= 2");
            Limits.check("--warmup", warmup, 0, 100_000);
            Limits.check("--reps", reps, 1, 100_000);
            Limits.check("--samples", samples, 2, 10_000);
            mcs = List.copyOf(mcs);
            for (int m : mcs) Limits.check("--mc", m, 0, Limits.MAX_MC);
        }
    }

    /** One timed task: wall times in ms (median, min, max), the median thread CPU time, and the Spearman over the space ("" if it does not predict). */
    public record Row(String task, Object mc, double medianMs, double minMs, double maxMs, double medianCpuMs, int reps, Object spearmanAll) {}

    /** The rows, what they ran on (references, support archs, model), and the checksum of every timed result. */
    public record Result(String device, int references, int samples, String model, List<Row> rows, double checksum) {}

    private final int warmup, reps;
    private double checksum;

    private PredictionSpeed(int warmup, int reps) {
        this.warmup = warmup;
        this.reps = reps;
    }

    public static Result run(Request r) {
        return new PredictionSpeed(r.warmup(), r.reps()).measure(r.model(), r.dataset(), r.device(), r.samples(), r.mcs());
    }

    private Result measure(Path model, Path dataset, String device, int samples, List<Integer> mcs) {
        Nb201Space space = new Nb201Space();
        Path dir = dataset != null ? dataset : DataLocation.require("help/nasbench201");
        LatencyDataset data = LatencyDataset.load(dir, "nasbench201");
        if (!data.hasDevice(device)) throw new BadInputException("unknown device " + device + "; known: " + String.join(", ", data.deviceNames()));
        HelpModelFile.Stored base = ModelFiles.loadBase(model != null ? model : ModelFiles.defaultModel("nasbench201"), space);

        double[] truthByIndex = data.latencies(device);
        List<Nb201Arch> all = space.all();
        double[] truth = new double[all.size()];
        for (int i = 0; i < truth.length; i++) truth[i] = truthByIndex[data.indexOf(all.get(i).canonical())];
        double[] referenceMs = data.referenceLatencies(device);
        int[] refs = data.referenceArchIndices();
        // as 'halo adapt' does: the references form the hardware embedding, the other samples are the support set
        List<Architecture> archs = new ArrayList<>();
        List<Double> ms = new ArrayList<>();
        java.util.Set<Integer> taken = new java.util.HashSet<>();
        for (int r : refs) taken.add(r);
        SplittableRandom rng = new SplittableRandom(0);
        while (archs.size() < samples) {
            int i = rng.nextInt(data.archCount());
            if (taken.add(i)) {
                archs.add(space.parse(data.archString(i)));
                ms.add(truthByIndex[i]);
            }
        }
        double[] sampleMs = ms.stream().mapToDouble(Double::doubleValue).toArray();

        List<Row> t = new ArrayList<>();
        for (int mc : mcs) {
            HelpAdaptation.Options options = new HelpAdaptation.Options(mc, 0);
            AdaptedHelpPredictor p = HelpAdaptation.adapt(base, device, referenceMs, archs, sampleMs, options);
            double rho = Metrics.spearman(p.predictMs(all), truth);
            double[][] adapt = time(() -> HelpAdaptation.adapt(base, device, referenceMs, archs, sampleMs, options).predictMs(archs.subList(0, 1))[0]);
            row(t, "adapt (" + archs.size() + " support archs)", mc, r(median(adapt[0])), r(adapt[0][0]), r(adapt[0][adapt[0].length - 1]), r(median(adapt[1])), reps, "");
            double[][] cold = time(() -> p.predictMs(new ArrayList<>(all))[all.size() - 1]);
            row(t, "predict all 15625, cold", mc, r(median(cold[0])), r(cold[0][0]), r(cold[0][cold[0].length - 1]), r(median(cold[1])), reps, r(rho));
            double[][] warm = time(() -> p.predictMs(all)[all.size() - 1]);
            row(t, "predict all 15625, warm", mc, r(median(warm[0])), r(warm[0][0]), r(warm[0][warm[0].length - 1]), r(median(warm[1])), reps, r(rho));
            double[][] interval = time(() -> {
                LatencyPredictor.Prediction[] x = p.predictWithInterval(all, 0.8);
                return x[x.length - 1].upperMs();
            });
            row(t, "predict all 15625 with 80% interval, warm", mc, r(median(interval[0])), r(interval[0][0]), r(interval[0][interval[0].length - 1]), r(median(interval[1])), reps, r(rho));
        }
        opCosts(t, space, all, truth, refs, referenceMs, data, archs, sampleMs);
        return new Result(device, refs.length, samples, base.provenance().source(), t, checksum);
    }

    /** The same timings for op-costs, fitted to the references and the samples together (20 rows), leave-one-out refits included. */
    private void opCosts(List<Row> t, Nb201Space space, List<Nb201Arch> all, double[] truth, int[] refs, double[] referenceMs, LatencyDataset data,
            List<Architecture> samples, double[] sampleMs) {
        List<Architecture> known = new ArrayList<>();
        for (int r : refs) known.add(space.parse(data.archString(r)));
        known.addAll(samples);
        double[] ms = new double[known.size()];
        System.arraycopy(referenceMs, 0, ms, 0, refs.length);
        System.arraycopy(sampleMs, 0, ms, refs.length, sampleMs.length);
        CostFeatures features = CostFeatures.forSpace(space).orElseThrow();
        AdditiveCostPredictor p = AdditiveCostPredictor.fit(features, known, ms);
        double rho = Metrics.spearman(p.predictMs(all), truth);
        double[][] adapt = time(() -> AdditiveCostPredictor.fit(features, known, ms).coefficients()[0]);
        row(t, "op-costs fit (" + known.size() + " known archs)", "", r(median(adapt[0])), r(adapt[0][0]), r(adapt[0][adapt[0].length - 1]), r(median(adapt[1])), reps, "");
        double[][] cold = time(() -> p.predictMs(new ArrayList<>(all))[all.size() - 1]);
        row(t, "op-costs predict all 15625", "", r(median(cold[0])), r(cold[0][0]), r(cold[0][cold[0].length - 1]), r(median(cold[1])), reps, r(rho));
        double[][] interval = time(() -> {
            LatencyPredictor.Prediction[] x = p.predictWithInterval(all, 0.8);
            return x[x.length - 1].upperMs();
        });
        row(t, "op-costs predict all 15625 with 80% interval", "", r(median(interval[0])), r(interval[0][0]), r(interval[0][interval[0].length - 1]), r(median(interval[1])), reps, r(rho));
    }

    /**
     * Sorted wall times and sorted CPU times of this thread, in ms, of {@code reps} calls after {@code warmup}
     * uncounted ones. On a loaded machine the CPU time is the closer estimate of what one free core needs.
     */
    private double[][] time(DoubleSupplier work) {
        for (int i = 0; i < warmup; i++) checksum += work.getAsDouble();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] wall = new double[reps], cpu = new double[reps];
        for (int i = 0; i < reps; i++) {
            long c0 = threads.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            checksum += work.getAsDouble();
            wall[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (threads.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new double[][] {wall, cpu};
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double r(double x) {
        return Math.round(x * 1000) / 1000.0;
    }

    private static void row(List<Row> rows, String task, Object mc, double medianMs, double minMs, double maxMs, double medianCpuMs, int reps, Object rho) {
        rows.add(new Row(task, mc, medianMs, minMs, maxMs, medianCpuMs, reps, rho));
    }
}
