package dev.halo.app.bench;

import dev.halo.BadInputException;
import dev.halo.io.Limits;
import dev.halo.DataLocation;
import dev.halo.predict.help.HelpData;
import dev.halo.predict.help.HelpEncoder;
import dev.halo.predict.help.HelpMetaTrainer;
import dev.halo.predict.help.HelpModel;
import dev.halo.predict.help.HelpTrainingConfig;
import dev.halo.predict.help.HelpVariant;
import dev.halo.space.Nb201Graph;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The cost of one HELP meta-training episode (HELP's settings: 8 tasks of 10 support + N query archs, 2 inner steps,
 * second order), in-process. Warm-up episodes are not counted; then the wall time and the CPU time of the whole process
 * per episode (all task threads, plus the JVM's own GC and JIT threads: the JIT and GC seconds of the timed span are
 * given beside it) for each thread count, and the calling thread's own CPU time (with one thread: the episode work
 * alone). On a shared machine the CPU time is the figure to compare; the wall time includes waiting for a core.
 */
public final class MetaTrainingSpeed {
    private MetaTrainingSpeed() {}

    /** {@code query} null: HELP's 200 query archs per task; {@code dataset} null: the shared {@code help/<space>}. */
    public record Request(String space, Path dataset, int episodes, int warmup, List<Integer> threadCounts, Integer query, boolean firstOrder,
            String algorithm, long seed) {
        public Request {
            if (!space.equals("nasbench201") && !space.equals("fbnet")) throw new BadInputException("--space must be nasbench201 or fbnet, not " + space);
            if (episodes < 1 || warmup < 0) throw new BadInputException("--episodes must be >= 1 and --warmup >= 0");
            threadCounts = List.copyOf(threadCounts);
            for (int t : threadCounts) if (t < 1) throw new BadInputException("--threads values must be >= 1, got " + t);
            Limits.check("--episodes", episodes, 1, 1_000_000);
            Limits.check("--warmup", warmup, 0, 1_000_000);
            for (int t : threadCounts) Limits.check("--threads", t, 1, 1024);
            if (query != null) Limits.check("--query", query, 1, 100_000);
        }
    }

    /** Seconds per episode for one thread count, and the sum of the trained parameters (equal across thread counts). */
    public record Row(int threads, int episodes, double cpuSeconds, double wallSeconds, double mainThreadCpuSeconds, double jitSeconds, double gcSeconds,
            String parameterChecksum) {}

    /** What was timed (algorithm, order, tasks, support and query archs, inner steps) and a row per thread count. */
    public record Result(String algorithm, boolean secondOrder, int tasksPerEpisode, int shots, int queryShots, int innerSteps, List<Row> rows) {}

    public static Result run(Request r) {
        String space = r.space();
        int episodes = r.episodes(), warmup = r.warmup();
        long seed = r.seed();
        HelpVariant variant = HelpVariant.Algorithm.byId(r.algorithm()).variant(HelpVariant.INNER_RATE);
        Path dataset = r.dataset();
        Integer query = r.query();
        Path dir = dataset != null ? dataset : DataLocation.require("help/" + space);
        HelpData data = HelpData.load(dir, HelpEncoder.forSpace(space, Nb201Graph.Wiring.HELP));
        // no validation inside the timed span: the run never reaches an episode count or validation point
        HelpTrainingConfig c = HelpTrainingConfig.helpDefaults(space, seed).withSecondOrder(!r.firstOrder())
                .withEpisodes(Integer.MAX_VALUE).withValidEvery(Integer.MAX_VALUE);
        if (query != null)
            c = new HelpTrainingConfig(c.space(), c.trainDevices(), c.validDevices(), c.episodes(), c.tasksPerEpisode(), c.shots(), query,
                    c.metaLr(), c.klWeight(), c.secondOrder(), c.validEvery(), c.validTasks(), c.seed());
        HelpModel init = HelpModel.initialise(data.network(), variant, new Random(seed));
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        java.lang.management.ThreadMXBean me = ManagementFactory.getThreadMXBean();
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        List<Row> rows = new ArrayList<>();
        for (int threads : r.threadCounts()) {
            HelpMetaTrainer trainer = new HelpMetaTrainer(data, c, threads);
            HelpMetaTrainer.State s = trainer.train(trainer.start(init), warmup, p -> {}, x -> {});
            long cpu0 = os.getProcessCpuTime(), t0 = System.nanoTime(), main0 = me.getCurrentThreadCpuTime(), jit0 = jit.getTotalCompilationTime(), gc0 = gcMillis();
            s = trainer.train(s, warmup + episodes, p -> {}, x -> {});
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e9, wall = (System.nanoTime() - t0) / 1e9, main = (me.getCurrentThreadCpuTime() - main0) / 1e9;
            double jitS = (jit.getTotalCompilationTime() - jit0) / 1e3, gcS = (gcMillis() - gc0) / 1e3;
            double sum = 0;
            for (double v : s.current().allParameters().flatten()) sum += v;
            rows.add(new Row(threads, episodes, cpu / episodes, wall / episodes, main / episodes, jitS, gcS, String.format("%.12g", sum)));
        }
        return new Result(variant.algorithm(), c.secondOrder(), c.tasksPerEpisode(), c.shots(), c.queryShots(), init.innerSteps(), rows);
    }

    /** Total collection time of all collectors so far (ms), to show how much of the CPU time was GC. */
    private static long gcMillis() {
        long ms = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) ms += Math.max(0, gc.getCollectionTime());
        return ms;
    }
}
