package dev.halo.cli.predict;

import dev.halo.app.bench.Machine;
import dev.halo.cli.output.FormatOption;
import dev.halo.io.Leftovers;
import dev.halo.cli.output.Table;
import dev.halo.server.farm.FarmBenchmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code halo bench farm}: prints {@link FarmBenchmark}'s tasks per second and per-task queue overhead. */
@Command(name = "farm", mixinStandardHelpOptions = true,
        description = {
            "Tasks per second the farm's queue sustains on loopback.",
            "A server runs in this JVM on a fresh SQLite file, with N",
            "simulated agents (fake results, no measuring) leasing one task at a time until the queue is empty.",
            "overhead = the lease request plus the result request of each task (the queue's added latency per task)."
        })
public final class BenchFarmCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--agents", defaultValue = "16", description = "Simulated agents (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--tasks", defaultValue = "2000", description = "Tasks queued (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Mixin FormatOption format;

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("halo-bench-farm");
        try {
            FarmBenchmark.Result r = FarmBenchmark.run(dir, agents, tasks);
            Table t = new Table("agents", "tasks", "seconds", "tasks_per_second", "overhead_p50_ms", "overhead_p99_ms", "errors");
            t.row(r.agents(), r.tasks(), round(r.seconds()), Math.round(r.perSecond()), round(r.p50Ms()), round(r.p99Ms()), r.errors());
            PrintWriter out = spec.commandLine().getOut();
            out.println(Machine.describe());
            t.print(format.format, out);
            out.flush();
            return 0;
        } finally {
            Leftovers.deleteRecursively(dir);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
