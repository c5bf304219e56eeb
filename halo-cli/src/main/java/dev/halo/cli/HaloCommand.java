package dev.halo.cli;

import dev.halo.BadInputException;
import dev.halo.Halo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code halo} command: one subcommand per job (see {@code halo --help}). */
@Command(
        name = "halo",
        mixinStandardHelpOptions = true,
        versionProvider = HaloCommand.Version.class,
        description = {
            "Hardware-Adaptive Latency Oracle: measure, predict and search neural-network latency on any device.",
            "",
            "Exit codes: 0 ok, 1 runtime failure, 2 bad input or usage (one line says what was wrong).",
            "Reference data (HELP tables, checkpoints, NB201 accuracies) is read from -Dhalo.data=DIR, HALO_DATA=DIR or",
            "../shared/data next to the repository. Start with 'halo demo'; every command has --help with examples."
        },
        subcommands = {
            dev.halo.cli.onboard.DemoCommand.class,
            dev.halo.cli.onboard.OnboardCommand.class,
            dev.halo.cli.space.SpacesCommand.class,
            dev.halo.cli.space.ArchCommand.class,
            dev.halo.cli.data.DataCommand.class,
            dev.halo.cli.measure.MeasureCommand.class,
            dev.halo.cli.measure.ProfileCommand.class,
            dev.halo.cli.zoo.ZooCommand.class,
            dev.halo.cli.model.ModelCommand.class,
            MetaTrainCommand.class,
            MetaTestCommand.class,
            EvaluateCommand.class,
            dev.halo.cli.predict.AdaptCommand.class,
            dev.halo.cli.predict.PredictCommand.class,
            dev.halo.cli.search.SearchCommand.class,
            dev.halo.cli.search.ParetoCommand.class,
            dev.halo.cli.search.SearchBenchmarkCommand.class,
            dev.halo.cli.predict.BenchCommand.class,
            dev.halo.cli.serve.ServeCommand.class,
            dev.halo.cli.serve.AgentCommand.class,
            CommandLine.HelpCommand.class})
public final class HaloCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line (also used by tests to run commands in-process). */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new HaloCommand());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable root = ex;
            while (!(root instanceof BadInputException) && root.getCause() != null) root = root.getCause();
            if (root instanceof BadInputException bad) {
                commandLine.getErr().println("halo: " + bad.getMessage());
                return 2;
            }
            commandLine.getErr().println("halo: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
            if (System.getenv("HALO_DEBUG") != null) ex.printStackTrace(commandLine.getErr());
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("halo: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"halo " + Halo.version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
