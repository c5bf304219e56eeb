package dev.halo.cli.serve;

import dev.halo.BadInputException;
import dev.halo.server.farm.FarmAgent;
import dev.halo.server.farm.OfflineAgent;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo agent}: a farm agent measuring for a halo server (the loop is halo-server's {@link FarmAgent}). */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Measure for a halo server as one of its farm's agents, online or from a job file.",
            "It registers this machine's fingerprint as a device, leases measurement tasks queued",
            "for it (halo farm measure: architectures or ONNX model files), time each with halo's ONNX Runtime harness",
            "under the task's settings, heartbeat while measuring, and upload the statistics. Protocol: docs/farm.md.",
            "With --offline it measures a job file (halo farm export-job; model files beside it) without any server and writes a result file",
            "for halo farm import-result; run again with the same files, it measures only what is missing.",
            "",
            "Examples:",
            "  halo agent --server http://halo.lan:7070 --token \"$HALO_TOKEN\" --name pi-1 --device raspberry-pi-4",
            "  halo agent --server http://127.0.0.1:7070 --token T --idle-exit 60 --max-jobs 500 --threads 1,2 --batch 1",
            "  halo agent --offline --job pi4-job.json --result pi4-result.json"
        })
public final class AgentCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--server", paramLabel = "URL", description = "The halo server, e.g. http://127.0.0.1:7070 (not with --offline).")
    String server;

    @Option(names = "--token", defaultValue = "${env:HALO_TOKEN}", paramLabel = "TOKEN", description = "The server's token (default: $HALO_TOKEN).")
    String token;

    @Option(names = "--name", paramLabel = "NAME", description = "This agent's name (default: the host name).")
    String name;

    @Option(names = "--device", paramLabel = "DEVICE", description = "The device it measures as; tasks queued for it come here (default: the name).")
    String device;

    @Option(names = "--threads", split = ",", paramLabel = "N[,N...]",
            description = "The intra-op thread counts it offers; it is leased only tasks with one of them (default: any).")
    List<Integer> threads;

    @Option(names = "--batch", split = ",", paramLabel = "N[,N...]", description = "The batch sizes it offers (default: any).")
    List<Integer> batch;

    @Option(names = "--offline", description = "Measure the --job file without a server and write the --result file.")
    boolean offline;

    @Option(names = "--job", paramLabel = "FILE", description = "With --offline: the job file (from halo farm export-job).")
    Path job;

    @Option(names = "--result", paramLabel = "FILE", description = "With --offline: the result file to write (for halo farm import-result).")
    Path result;

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
        PrintWriter out = spec.commandLine().getOut();
        if (offline) return offline(out);
        if (job != null || result != null) throw new BadInputException("--job and --result go with --offline");
        if (server == null) throw new BadInputException("--server is required (or --offline with --job and --result)");
        String n = name != null ? name : hostName();
        FarmAgent.Config c = new FarmAgent.Config(server, token, n, device != null ? device : n, threads, batch, maxJobs, idleExit, fake, retry);
        FarmAgent.Summary s = new FarmAgent(c, out).run();
        out.printf("agent %s stopped (%s): %d stored, %d already stored, %d failed, %d refused%n", n, s.stopped(), s.stored(), s.already(), s.failed(),
                s.refused());
        out.flush();
        return 0;
    }

    private int offline(PrintWriter out) throws Exception {
        if (server != null) throw new BadInputException("--offline measures without a server: leave out --server");
        if (job == null) throw new BadInputException("--offline needs --job FILE (from halo farm export-job)");
        if (result == null) throw new BadInputException("--offline needs --result FILE (the file to write)");
        OfflineAgent.Summary s = OfflineAgent.run(job, result, fake, out);
        out.printf("offline job %s: %d measured, %d failed, %d already in %s%n", job, s.measured(), s.failed(), s.resumed(), result);
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
