package dev.halo.cli.predict;

import dev.halo.app.bench.Machine;
import dev.halo.app.bench.MetaTrainingSpeed;
import dev.halo.cli.output.FormatOption;
import dev.halo.cli.output.Table;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo bench meta-train}: prints {@link MetaTrainingSpeed}'s seconds per episode with the machine's load. */
@Command(name = "meta-train", mixinStandardHelpOptions = true,
        description = {"Time HELP (or MAML / Meta-SGD baseline) meta-training episodes.",
                "In-process, no validation: CPU seconds and",
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
        MetaTrainingSpeed.Result r = MetaTrainingSpeed.run(new MetaTrainingSpeed.Request(space, dataset, episodes, warmup, threadCounts, query, firstOrder, algorithm, seed));
        Table t = new Table("threads", "episodes", "cpu_s_per_episode", "wall_s_per_episode", "main_thread_cpu_s_per_episode", "jit_s", "gc_s", "parameter_checksum");
        for (MetaTrainingSpeed.Row row : r.rows())
            t.row(row.threads(), row.episodes(), r(row.cpuSeconds()), r(row.wallSeconds()), r(row.mainThreadCpuSeconds()), r(row.jitSeconds()), r(row.gcSeconds()),
                    row.parameterChecksum());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s %s, %s, %d tasks x (%d support + %d query archs), %d inner steps%n", r.algorithm(), space, r.secondOrder() ? "second order" : "first order",
                r.tasksPerEpisode(), r.shots(), r.queryShots(), r.innerSteps());
        out.println(Machine.describe());
        t.print(format.format, out);
        out.flush();
        return 0;
    }

    private static double r(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
