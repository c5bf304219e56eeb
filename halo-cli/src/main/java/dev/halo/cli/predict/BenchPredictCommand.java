package dev.halo.cli.predict;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.data.LatencyDataset;
import dev.halo.eval.Metrics;
import dev.halo.predict.LatencyPredictor;
import dev.halo.predict.additive.AdditiveCostPredictor;
import dev.halo.predict.additive.CostFeatures;
import dev.halo.predict.help.AdaptedHelpPredictor;
import dev.halo.predict.help.HelpAdaptation;
import dev.halo.predict.help.HelpModelFile;
import dev.halo.space.Architecture;
import dev.halo.space.Nb201Arch;
import dev.halo.space.Nb201Space;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code halo bench predict}: how long adapting a HELP model to a device and predicting all 15,625
 * NAS-Bench-201 architectures take, in-process (no JVM start, no file I/O), JMH-style: warm-up rounds that
 * are not counted, then repetitions, median and spread reported. Every timed call's result feeds a checksum
 * so the JIT cannot drop the work.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Time HELP adaptation to one device and whole-space NB201 prediction (in-process). cold: a fresh arch "
                + "list (encoding and graph planning included); warm: the same list again (plan reused). The op-costs rows time "
                + "its fit (with the leave-one-out refits of its intervals) and its whole-space prediction. Reports wall and "
                + "thread CPU time and the load average."})
public final class BenchPredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "NB201 model (default: as 'halo adapt' picks it).")
    Path model;

    @Option(names = "--dataset", paramLabel = "DIR", description = "NB201 dataset folder (default: shared help/nasbench201).")
    Path dataset;

    @Option(names = "--device", defaultValue = "titan_rtx_256", description = "Device whose true latencies serve as samples (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--samples", defaultValue = "10", description = "Samples besides the reference archs (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--mc", split = ",", defaultValue = "0,10", description = "Monte-Carlo draw counts to time (default: ${DEFAULT-VALUE}).")
    List<Integer> mcs;

    @Option(names = "--warmup", defaultValue = "5", description = "Uncounted warm-up rounds (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--reps", defaultValue = "15", description = "Timed repetitions (default: ${DEFAULT-VALUE}).")
    int reps;

    @Mixin FormatOption format;

    private double checksum;

    @Override
    public Integer call() {
        if (warmup < 0 || reps < 1 || samples < 2) throw new BadInputException("--warmup must be >= 0, --reps >= 1 and --samples >= 2");
        dev.halo.io.Limits.check("--warmup", warmup, 0, 100_000);
        dev.halo.io.Limits.check("--reps", reps, 1, 100_000);
        dev.halo.io.Limits.check("--samples", samples, 2, 10_000);
        for (int m : mcs) dev.halo.io.Limits.check("--mc", m, 0, dev.halo.io.Limits.MAX_MC);
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

        Table t = new Table("task", "mc", "median_ms", "min_ms", "max_ms", "median_cpu_ms", "reps", "spearman_all");
        for (int mc : mcs) {
            HelpAdaptation.Options options = new HelpAdaptation.Options(mc, 0);
            AdaptedHelpPredictor p = HelpAdaptation.adapt(base, device, referenceMs, archs, sampleMs, options);
            double rho = Metrics.spearman(p.predictMs(all), truth);
            double[][] adapt = time(() -> HelpAdaptation.adapt(base, device, referenceMs, archs, sampleMs, options).predictMs(archs.subList(0, 1))[0]);
            t.row("adapt (" + archs.size() + " support archs)", mc, r(median(adapt[0])), r(adapt[0][0]), r(adapt[0][adapt[0].length - 1]), r(median(adapt[1])), reps, "");
            double[][] cold = time(() -> p.predictMs(new ArrayList<>(all))[all.size() - 1]);
            t.row("predict all 15625, cold", mc, r(median(cold[0])), r(cold[0][0]), r(cold[0][cold[0].length - 1]), r(median(cold[1])), reps, r(rho));
            double[][] warm = time(() -> p.predictMs(all)[all.size() - 1]);
            t.row("predict all 15625, warm", mc, r(median(warm[0])), r(warm[0][0]), r(warm[0][warm[0].length - 1]), r(median(warm[1])), reps, r(rho));
            double[][] interval = time(() -> {
                LatencyPredictor.Prediction[] x = p.predictWithInterval(all, 0.8);
                return x[x.length - 1].upperMs();
            });
            t.row("predict all 15625 with 80% interval, warm", mc, r(median(interval[0])), r(interval[0][0]), r(interval[0][interval[0].length - 1]), r(median(interval[1])), reps, r(rho));
        }
        opCosts(t, space, all, truth, refs, referenceMs, data, archs, sampleMs);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("device %s, %d reference archs + %d support archs drawn with seed 0, model %s%n", device, refs.length, samples, base.provenance().source());
        out.printf("java %s, %d available processors, load average %s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), loadAverage());
        t.print(format.format, out);
        out.printf("(checksum %.6g)%n", checksum);
        out.flush();
        return 0;
    }

    /** The same timings for op-costs, fitted to the references and the samples together (20 rows), leave-one-out refits included. */
    private void opCosts(Table t, Nb201Space space, List<Nb201Arch> all, double[] truth, int[] refs, double[] referenceMs, LatencyDataset data,
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
        t.row("op-costs fit (" + known.size() + " known archs)", "", r(median(adapt[0])), r(adapt[0][0]), r(adapt[0][adapt[0].length - 1]), r(median(adapt[1])), reps, "");
        double[][] cold = time(() -> p.predictMs(new ArrayList<>(all))[all.size() - 1]);
        t.row("op-costs predict all 15625", "", r(median(cold[0])), r(cold[0][0]), r(cold[0][cold[0].length - 1]), r(median(cold[1])), reps, r(rho));
        double[][] interval = time(() -> {
            LatencyPredictor.Prediction[] x = p.predictWithInterval(all, 0.8);
            return x[x.length - 1].upperMs();
        });
        t.row("op-costs predict all 15625 with 80% interval", "", r(median(interval[0])), r(interval[0][0]), r(interval[0][interval[0].length - 1]), r(median(interval[1])), reps, r(rho));
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

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
