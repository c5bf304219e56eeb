package dev.halo.cli.predict;

import dev.halo.BadInputException;
import dev.halo.DataLocation;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.predict.help.HelpMetaTrainer;
import dev.halo.predict.help.HelpModel;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.predict.help.HelpVariant;
import dev.halo.space.Nb201Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code halo bench meta-train}: the cost of one HELP meta-training episode (HELP's settings: 8 tasks of 10
 * support + N query archs, 2 inner steps, second order), in-process. Warm-up episodes are not counted; then
 * the wall time and the CPU time of the whole process per episode (all task threads, plus the JVM's own
 * GC and JIT threads: the JIT and GC seconds of the timed span are printed beside it) for each thread count,
 * and the calling thread's own CPU time (with one thread: the episode work alone). On a shared machine the CPU time
 * is the figure to compare; the wall time includes waiting for a core.
 */
@Command(name = "meta-train", mixinStandardHelpOptions = true,
        description = {"Time HELP (or MAML / Meta-SGD baseline) meta-training episodes (in-process, no validation): CPU seconds and",
                "wall seconds per episode for each --threads value, after uncounted warm-up episodes."})
public final class BenchMetaTrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--space", defaultValue = "nasbench201", description = "nasbench201 or fbnet (default: ${DEFAULT-VALUE}).")
    String space;

    @Option(names = "--dataset", paramLabel = "DIR", description = "Folder in the help/<space> CSV layout (default: shared data).")
    Path dataset;

    @Option(names = "--episodes", defaultValue = "10", description = "Timed episodes per thread count (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--warmup", defaultValue = "8", description = "Uncounted warm-up episodes per thread count (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "Task thread counts to time (default: ${DEFAULT-VALUE}).")
    List<Integer> threadCounts;

    @Option(names = "--query", description = "Query archs per task (default: HELP's, 200).")
    Integer query;

    @Option(names = "--first-order", description = "Time the first-order meta-gradient instead of HELP's second order.")
    boolean firstOrder;

    @Option(names = "--algorithm", defaultValue = "help", description = "help, maml or meta-sgd (as halo meta-train; default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = "--seed", defaultValue = "3", description = "Random seed of the model and the episodes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin FormatOption format;

    @Override
    public Integer call() {
        dev.halo.io.Limits.check("--episodes", episodes, 1, 1_000_000);
        dev.halo.io.Limits.check("--warmup", warmup, 0, 1_000_000);
        for (int t : threadCounts) dev.halo.io.Limits.check("--threads", t, 1, 1024);
        if (query != null) dev.halo.io.Limits.check("--query", query, 1, 100_000);
        if (!space.equals("nasbench201") && !space.equals("fbnet")) throw new BadInputException("--space must be nasbench201 or fbnet, not " + space);
        HelpVariant variant = HelpVariant.Algorithm.byId(algorithm).variant(HelpVariant.INNER_RATE);
        if (episodes < 1 || warmup < 0) throw new BadInputException("--episodes must be >= 1 and --warmup >= 0");
        for (int t : threadCounts) if (t < 1) throw new BadInputException("--threads values must be >= 1, got " + t);
        Path dir = dataset != null ? dataset : DataLocation.require("help/" + space);
        HelpData data = HelpData.load(dir, HelpEncoder.forSpace(space, Nb201Graph.Wiring.HELP));
        // no validation inside the timed span: the run never reaches an episode count or validation point
        HelpTrainingConfig c = HelpTrainingConfig.helpDefaults(space, seed).withSecondOrder(!firstOrder)
                .withEpisodes(Integer.MAX_VALUE).withValidEvery(Integer.MAX_VALUE);
        if (query != null)
            c = new HelpTrainingConfig(c.space(), c.trainDevices(), c.validDevices(), c.episodes(), c.tasksPerEpisode(), c.shots(), query,
                    c.metaLr(), c.klWeight(), c.secondOrder(), c.validEvery(), c.validTasks(), c.seed());
        HelpModel init = HelpModel.initialise(data.network(), variant, new Random(seed));
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        java.lang.management.ThreadMXBean me = ManagementFactory.getThreadMXBean();
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        Table t = new Table("threads", "episodes", "cpu_s_per_episode", "wall_s_per_episode", "main_thread_cpu_s_per_episode", "jit_s", "gc_s", "parameter_checksum");
        for (int threads : threadCounts) {
            HelpMetaTrainer trainer = new HelpMetaTrainer(data, c, threads);
            HelpMetaTrainer.State s = trainer.train(trainer.start(init), warmup, p -> {}, x -> {});
            long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime(), main0 = me.getCurrentThreadCpuTime(), jit0 = jit.getTotalCompilationTime(), gc0 = gcMillis();
            s = trainer.train(s, warmup + episodes, p -> {}, x -> {});
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9, wall = (System.nanoTime() - t0) / 1e9, main = (me.getCurrentThreadCpuTime() - main0) / 1e9;
            double jitS = (jit.getTotalCompilationTime() - jit0) / 1e3, gcS = (gcMillis() - gc0) / 1e3;
            double sum = 0;
            for (double v : s.current().allParameters().flatten()) sum += v;
            t.row(threads, episodes, r(cpu / episodes), r(wall / episodes), r(main / episodes), r(jitS), r(gcS), String.format("%.12g", sum));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s %s, %s, %d tasks x (%d support + %d query archs), %d inner steps%n", variant.algorithm(), space, c.secondOrder() ? "second order" : "first order",
                c.tasksPerEpisode(), c.shots(), c.queryShots(), init.innerSteps());
        out.printf("java %s, %d available processors, load average %s%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), loadAverage());
        t.print(format.format, out);
        out.flush();
        return 0;
    }

    /** Total collection time of all collectors so far (ms), to show how much of the CPU time was GC. */
    private static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) ms += Math.max(0, gc.getCollectionTime());
        return ms;
    }

    private static double r(double x) {
        return Math.round(x * 10000) / 10000.0;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
