package dev.halo.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.server.farm.FarmFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halo farm}: the operator's side of measuring on machines a halo server cannot reach (docs/farm.md, offline mode). */
@Command(name = "farm", mixinStandardHelpOptions = true,
        description = {
            "Offline measuring for a halo server's device farm: export a job file of a device's queued tasks, carry it to",
            "the machine, run 'halo agent --offline' there, and import the result file it wrote.",
            "",
            "Examples:",
            "  halo farm export-job --server http://127.0.0.1:7070 --token T --device pi4 --max 200 --out pi4-job.json",
            "  halo farm import-result --server http://127.0.0.1:7070 --token T pi4-result.json"
        },
        subcommands = {FarmCommand.ExportJob.class, FarmCommand.ImportResult.class})
public final class FarmCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The server and its token, shared by both subcommands. */
    static final class ServerOptions {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "The halo server, e.g. http://127.0.0.1:7070.")
        String server;

        @Option(names = "--token", defaultValue = "${env:HALO_TOKEN}", paramLabel = "TOKEN", description = "The server's token (default: $HALO_TOKEN).")
        String token;
    }

    @Command(name = "export-job", mixinStandardHelpOptions = true,
            description = "Lease up to --max queued tasks of a device to a new job file for 'halo agent --offline'.")
    static final class ExportJob implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ServerOptions server = new ServerOptions();

        @Option(names = "--device", required = true, paramLabel = "DEVICE", description = "The device whose queued tasks go into the file.")
        String device;

        @Option(names = "--max", defaultValue = "100", paramLabel = "N", description = "At most N tasks (default: ${DEFAULT-VALUE}).")
        int max;

        @Option(names = "--lease-hours", defaultValue = "24", paramLabel = "H",
                description = "The tasks stay leased to the file this long, then return to the queue (default: ${DEFAULT-VALUE}).")
        double leaseHours;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The job file to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            JsonNode job = FarmFiles.exportJob(server.server, server.token, device, max, leaseHours, out);
            spec.commandLine().getOut().printf("job %d: %d tasks of device %s, leased until %s, written to %s%n", job.get("job").asLong(),
                    job.get("tasks").size(), device, job.get("deadline").asText(), out);
            return 0;
        }
    }

    @Command(name = "import-result", mixinStandardHelpOptions = true,
            description = "Store the measurements of a result file from 'halo agent --offline' (all or none; importing it again stores nothing more).")
    static final class ImportResult implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ServerOptions server = new ServerOptions();

        @Parameters(index = "0", paramLabel = "RESULT.json", description = "The result file.")
        Path file;

        @Override
        public Integer call() throws Exception {
            JsonNode r = FarmFiles.importResults(server.server, server.token, file);
            spec.commandLine().getOut().printf("job %d: %d stored, %d already stored, %d failed (returned to the queue)%n", r.get("job").asLong(),
                    r.get("stored").asLong(), r.get("already").asLong(), r.get("failed").asLong());
            return 0;
        }
    }
}
