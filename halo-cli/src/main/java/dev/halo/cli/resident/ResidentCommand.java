package dev.halo.cli.resident;

import dev.halo.BadInputException;
import dev.halo.cli.HaloCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo resident}: a long-lived process that answers {@code halo model predict} for the launcher. */
@Command(name = "resident", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Keep a halo process running that answers 'halo model predict' for ./halo without starting a JVM.",
            "A fresh JVM costs a prediction 0.3-1 s before and around its tens of milliseconds of work. While this runs,",
            "./halo sends each 'halo model predict' command line to it over a loopback socket, with a token from a file",
            "beside the jar that only you can read; every other command runs as before. It serves one command at a time,",
            "with its own JVM options and environment: a command run with HALO_JAVA_OPTS set, or with HALO_RESIDENT=0,",
            "starts its own JVM. Paths in its messages are absolute. It stops after --idle minutes without a request,",
            "when the jar is rebuilt, or on 'halo resident --stop'.",
            "",
            "Examples:",
            "  ./halo resident &",
            "  ./halo model predict resnet50.onnx --device here.kernel-model.json     (answered by the resident process)",
            "  ./halo resident --stop"})
public final class ResidentCommand implements Callable<Integer> {
    /** Where the port and token are kept, beside the jar: one resident process per build of a checkout. */
    static final String FILE_NAME = "halo-resident";

    @Spec CommandSpec spec;

    @Option(names = "--idle", defaultValue = "30", paramLabel = "MINUTES",
            description = "Stop after this many minutes without a request (default: ${DEFAULT-VALUE}).")
    long idleMinutes;

    @Option(names = "--stop", description = "Stop the resident process of this build, if one runs, and exit.")
    boolean stop;

    @Override
    public Integer call() throws IOException {
        if (idleMinutes < 1) throw new BadInputException("--idle " + idleMinutes + ": give at least 1 minute");
        Path jar = jar();
        Path file = jar.resolveSibling(FILE_NAME);
        PrintWriter out = spec.commandLine().getOut();
        if (stop) {
            out.println(Files.exists(file) && ResidentServer.stop(file) ? "halo resident: stopped" : "halo resident: none was running");
            out.flush();
            return 0;
        }
        try (ResidentServer server = new ResidentServer(file, jar)) {
            // stopped by a signal (Ctrl-C, kill): the file goes too, so that ./halo does not try a closed port
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException ignored) {
                    // exiting anyway; ./halo falls back to its own JVM when the port does not answer
                }
            }));
            out.println("halo resident: answering 'halo model predict' for ./halo on 127.0.0.1:" + server.port() + " (pid "
                    + ProcessHandle.current().pid() + "); stops after " + idleMinutes + " min idle, on a rebuild or on 'halo resident --stop'");
            out.flush();
            String why = server.serve(Duration.ofMinutes(idleMinutes));
            out.println("halo resident: stopped (" + why + ")");
            out.flush();
        }
        return 0;
    }

    /** The jar this process was loaded from: the launcher's resident process belongs to one build. */
    private static Path jar() {
        try {
            Path code = Path.of(HaloCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code) && code.toString().endsWith(".jar")) return code;
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // falls through to the message below
        }
        throw new BadInputException("halo resident runs from the built CLI jar (start it with ./halo resident)");
    }
}
