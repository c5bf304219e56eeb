package dev.halo.cli.serve;

import dev.halo.server.farm.FarmAgent;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo agent}: a farm agent measuring for a halo server (the loop is halo-server's {@link FarmAgent}). */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measure for a halo server: register this machine's fingerprint as a device, lease measurement tasks queued",
            "for it (POST /api/farm/measure), time each with halo's ONNX Runtime harness under the task's settings,",
            "heartbeat while measuring, and upload the statistics. Protocol: docs/farm.md.",
            "",
            "Examples:",
            "  halo agent --server http://halo.lan:7070 --token \"$HALO_TOKEN\" --name pi-1 --device raspberry-pi-4",
            "  halo agent --server http://127.0.0.1:7070 --token T --idle-exit 60 --max-jobs 500"
        })
public final class AgentCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The halo server, e.g. http://127.0.0.1:7070.")
    String server;

    @Option(names = "--token", defaultValue = "${env:HALO_TOKEN}", paramLabel = "TOKEN", description = "The server's token (default: $HALO_TOKEN).")
    String token;

    @Option(names = "--name", paramLabel = "NAME", description = "This agent's name (default: the host name).")
    String name;

    @Option(names = "--device", paramLabel = "DEVICE", description = "The device it measures as; tasks queued for it come here (default: the name).")
    String device;

    @Option(names = "--max-jobs", defaultValue = "0", paramLabel = "N", description = "Stop after N tasks (default: 0, no limit).")
    int maxJobs;

    @Option(names = "--idle-exit", defaultValue = "0", paramLabel = "S", description = "Stop after S seconds without a task (default: 0, never).")
    double idleExit;

    @Option(names = "--retry", defaultValue = "60", paramLabel = "S", description = "Retry a request this long while the server cannot be reached (default: ${DEFAULT-VALUE}).")
    double retry;

    @Option(names = "--fake", paramLabel = "MS", description = "TESTS AND BENCHMARKS ONLY: measure nothing; each task takes MS ms and gets a made-up latency.")
    Double fake;

    @Override
    public Integer call() throws Exception {
        String n = name != null ? name : hostName();
        FarmAgent.Config c = new FarmAgent.Config(server, token, n, device != null ? device : n, maxJobs, idleExit, fake, retry);
        PrintWriter out = spec.commandLine().getOut();
        FarmAgent.Summary s = new FarmAgent(c, out).run();
        out.printf("agent %s stopped (%s): %d stored, %d already stored, %d failed, %d refused%n", n, s.stopped(), s.stored(), s.already(), s.failed(),
                s.refused());
        out.flush();
        return 0;
    }

    private static String hostName() {
        try {
            String h = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
            return h.isEmpty() ? "agent" : h.length() > 64 ? h.substring(0, 64) : h;
        } catch (UnknownHostException e) {
            return "agent";
        }
    }
}
