package dev.halo.cli;

import dev.halo.BadInputException;
import dev.halo.Halo;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
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
        })
public final class HaloCommand implements Runnable {
    /**
     * The subcommands in the order {@code halo --help} lists them. They are added in {@link #newCommandLine(String...)}
     * rather than declared on the annotation, so that a run can leave out the ones it does not use.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
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
            dev.halo.cli.serve.FarmCommand.class,
            dev.halo.cli.resident.ResidentCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(newCommandLine(args).execute(args));
    }

    /** The configured command line with every subcommand. */
    public static CommandLine newCommandLine() {
        return newCommandLine(new String[0]);
    }

    /**
     * The configured command line for {@code args} (also used by tests to run commands in-process). Where the first
     * argument names a subcommand, only that one is built, and below it, where the next argument names one of a
     * {@link CommandGroup}'s subcommands, only that one (so {@code halo model predict} builds three commands, not
     * seven): picocli builds its model of every command it is given by reflection, which took most of a second on a
     * cold JVM for all of halo's commands (over a second for {@code halo --version} on the 2-vCPU VM), longer than the
     * rest of a {@code halo model predict}. Parsing is the same either way: picocli hands every later argument to the
     * subcommand that an argument names, and argument indices in messages still count from the root. {@code help}, a
     * group's own options and anything that names no subcommand get the full tree below that point.
     */
    public static CommandLine newCommandLine(String... args) {
        CommandLine cl = new CommandLine(new HaloCommand());
        addSubcommands(cl, SUBCOMMANDS, args, 0);
        // Numbers are decimal: Java would also read hexadecimal floats ("0x1p3" = 8), which no one means on a command line
        CommandLine.ITypeConverter<Double> decimal = text -> {
            if (text.strip().matches("(?i)[-+]?0x.*")) throw new CommandLine.TypeConversionException("'" + text + "' is not a decimal number");
            return Double.valueOf(text);
        };
        cl.registerConverter(Double.class, decimal);
        cl.registerConverter(Double.TYPE, decimal);
        cl.setExecutionStrategy(parseResult -> {
            try {
                return new CommandLine.RunLast().execute(parseResult);
            } catch (VirtualMachineError e) {
                // out of memory, stack overflow: picocli lets Errors through; turn them into the one-line exit 1 below
                throw new CommandLine.ExecutionException(parseResult.commandSpec().commandLine(), String.valueOf(e.getMessage()), e);
            }
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable root = ex;
            while (!(root instanceof BadInputException) && root.getCause() != null) root = root.getCause();
            if (root instanceof BadInputException bad) {
                commandLine.getErr().println("halo: " + bad.getMessage());
                return 2;
            }
            Throwable shown = ex instanceof CommandLine.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
            commandLine.getErr().println("halo: " + oneLine(shown));
            if (System.getenv("HALO_DEBUG") != null) ex.printStackTrace(commandLine.getErr());
            commandLine.getErr().flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, rejected) -> {
            ex.getCommandLine().getErr().println("halo: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cl;
    }

    /**
     * Adds to {@code parent} the one of {@code subcommands} that {@code args[at]} names, or all of them where it names
     * none ({@code at} < 0: none is named below an unnamed level), and so on below each {@link CommandGroup}.
     */
    private static void addSubcommands(CommandLine parent, List<Class<?>> subcommands, String[] args, int at) {
        List<Class<?>> named = at < 0 || at >= args.length ? List.of()
                : subcommands.stream().filter(c -> c != CommandLine.HelpCommand.class && names(c).contains(args[at])).toList();
        for (Class<?> c : named.isEmpty() ? subcommands : named) {
            parent.addSubcommand(c);
            CommandLine child = parent.getSubcommands().get(names(c).getFirst());
            if (child.getCommand() instanceof CommandGroup group) addSubcommands(child, group.subcommands(), args, named.isEmpty() ? -1 : at + 1);
        }
    }

    private static List<String> names(Class<?> subcommand) {
        Command c = subcommand.getAnnotation(Command.class);
        return Stream.concat(Stream.of(c.name()), Arrays.stream(c.aliases())).toList();
    }

    /** A failure as one line: out of memory and stack overflow say what to do; others give their type and first line. */
    static String oneLine(Throwable t) {
        if (t instanceof OutOfMemoryError)
            return "out of memory (" + t.getMessage() + "); the input is too large for this heap (max " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB): use a smaller input, or more heap with HALO_JAVA_OPTS=-Xmx...";
        if (t instanceof StackOverflowError) return "stack overflow: the input is nested too deeply";
        String m = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + (m.isEmpty() ? "" : ": " + m);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"halo " + Halo.version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
