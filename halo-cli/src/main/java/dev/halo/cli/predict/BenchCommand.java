package dev.halo.cli.predict;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code halo bench}: timing benchmarks that print what they measured (not unit tests). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Timing benchmarks (warm-up, repetitions, median); run them on a quiet machine, e.g. under 'taskset -c 0' for one core.",
        subcommands = {BenchPredictCommand.class, BenchMetaTrainCommand.class, BenchServeCommand.class, BenchFarmCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
