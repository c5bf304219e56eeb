package dev.halo.cli.predict;

import dev.halo.app.bench.Machine;
import dev.halo.cli.output.FormatOption;
import dev.halo.io.Leftovers;
import dev.halo.cli.output.Table;
import dev.halo.server.ServeBenchmark;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code halo bench serve}: prints {@link ServeBenchmark}'s latency percentiles and throughput of POST /api/predict. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {
            "Latency (p50, p99) and throughput of POST /api/predict on loopback.",
            "Cases: one architecture and 100 per request,",
            "and an uploaded ResNet-50 ONNX model (~100 MB, from halo's zoo), with 1, 8 and 64 concurrent clients",
            "(closed loops, one keep-alive connection each). The server runs in this JVM on a fresh SQLite file with one",
            "synthetic device (an op-costs profile, a kernel model made without measuring); the clients too, unless",
            "--clients-process; nothing leaves the machine."
        })
public final class BenchServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--clients", split = ",", defaultValue = "1,8,64", description = "Concurrent clients per case (default: ${DEFAULT-VALUE}).")
    int[] clients;

    @Option(names = "--seconds", defaultValue = "5", description = "Timed seconds per case, after a third as long of warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--model", defaultValue = ServeBenchmark.RESNET50, paramLabel = "SPEC",
            description = "The uploaded model: a zoo preset or spec (halo zoo list) (default: ${DEFAULT-VALUE}, 224x224).")
    String model;

    @Option(names = "--model-requests", defaultValue = "8",
            description = "Uploaded-model requests per number of clients, at least one per client, after one warm-up; 0 skips the model case (default: ${DEFAULT-VALUE}).")
    int modelRequests;

    @Option(names = "--clients-process",
            description = "Run the clients in a JVM of their own (one per case) instead of this one, the server's, as a real server is loaded.")
    boolean clientsProcess;

    @Mixin FormatOption format;

    @Override
    public Integer call() throws IOException {
        Path dir = Files.createTempDirectory("halo-bench-serve");
        try {
            List<ServeBenchmark.Row> rows = ServeBenchmark.run(dir, seconds, clients, model, modelRequests, clientsProcess);
            Table t = new Table("request", "clients", "requests", "p50_ms", "p99_ms", "per_second", "errors");
            for (ServeBenchmark.Row r : rows)
                t.row(r.request(), r.clients(), r.requests(), round(r.p50Ms()), round(r.p99Ms()), round(r.perSecond()), r.errors());
            PrintWriter out = spec.commandLine().getOut();
            out.println(Machine.describe());
            t.print(format.format, out);
            out.flush();
            return 0;
        } finally {
            Leftovers.deleteRecursively(dir);
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
