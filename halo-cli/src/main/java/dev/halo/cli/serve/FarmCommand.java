package dev.halo.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.BadInputException;
import dev.halo.app.model.DescribeModel;
import dev.halo.server.farm.FarmFiles;
import dev.halo.server.farm.FarmSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code halo farm}: the operator's side of a halo server's device farm: queue measurements, and measure offline (docs/farm.md). */
@Command(name = "farm", mixinStandardHelpOptions = true,
        description = {
            "A halo server's device farm: queue measurements for a device's agents, or carry them offline.",
            "Queue architectures or an ONNX model file for a device's agents; for a machine",
            "the server cannot reach, export a job file of a device's queued tasks, carry it (with the model files beside",
            "it) to the machine, run 'halo agent --offline' there, and import the result file it wrote.",
            "",
            "Examples:",
            "  halo farm measure --server http://127.0.0.1:7070 --token T --device pi4 --model resnet18.onnx --rounds 3",
            "  halo farm measure --server http://127.0.0.1:7070 --token T --device pi4 --arch '|nor_conv_3x3~0|+|...|' --threads 1",
            "  halo farm export-job --server http://127.0.0.1:7070 --token T --device pi4 --max 200 --out pi4-job.json",
            "  halo farm import-result --server http://127.0.0.1:7070 --token T pi4-result.json",
            "  halo farm onboard --server http://127.0.0.1:7070 --token T --device pi4 --wait"
        },
        subcommands = {FarmCommand.Measure.class, FarmCommand.ExportJob.class, FarmCommand.ImportResult.class, FarmOnboardCommand.class})
public final class FarmCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The server and its token, shared by the subcommands (and {@link FarmOnboardCommand}). */
    static final class ServerOptions {
        @Option(names = "--server", required = true, paramLabel = "URL", description = "The halo server, e.g. http://127.0.0.1:7070.")
        String server;

        @Option(names = "--token", defaultValue = "${env:HALO_TOKEN}", paramLabel = "TOKEN", description = "The server's token (default: $HALO_TOKEN).")
        String token;
    }

    @Command(name = "measure", mixinStandardHelpOptions = true,
            description = {"Queue measurement tasks for a device's agents.",
                "Tasks are architectures (--arch), or an ONNX model file (--model),",
                "uploaded once (the server keeps it by its SHA-256) and measured by agents that offer models as 'halo measure --model' would."})
    static final class Measure implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ServerOptions server = new ServerOptions();

        @Option(names = "--device", required = true, paramLabel = "DEVICE", description = "The device whose agents measure them.")
        String device;

        @Option(names = "--arch", paramLabel = "ARCH", description = "An architecture to measure (repeatable).")
        List<String> archs;

        @Option(names = "--space", paramLabel = "SPACE", description = "The architectures' space (default: nasbench201).")
        String space;

        @Option(names = "--model", paramLabel = "FILE.onnx", description = "An ONNX model file to measure (self-contained: no external data).")
        Path model;

        @Option(names = "--input", paramLabel = "NAME=SHAPE", description = "With --model: the shape of an input with dynamic dimensions, e.g. x=1x3x224x224 (repeatable).")
        List<String> inputs;

        @Option(names = "--rounds", defaultValue = "1", paramLabel = "N", description = "Rounds, a task each (default: ${DEFAULT-VALUE}).")
        int rounds;

        @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads to measure with (default: halo's).")
        Integer threads;

        @Option(names = "--batch", paramLabel = "N", description = "Batch size of architectures (default: 1; a model's is its input shapes').")
        Integer batch;

        @Override
        public Integer call() throws Exception {
            if ((archs == null) == (model == null)) throw new BadInputException("give either --arch (repeatable) or --model FILE.onnx");
            if (inputs != null && model == null) throw new BadInputException("--input goes with --model");
            Map<String, String> shapes = new LinkedHashMap<>();
            DescribeModel.parseInputs(inputs == null ? List.of() : inputs).forEach((name, shape) -> shapes.put(name, shape.toString()));
            FarmSettings settings = new FarmSettings(threads, batch, null, null, null, null);
            JsonNode r = FarmFiles.measure(server.server, server.token, new FarmFiles.Measure(device, space, archs, model, shapes, rounds, settings));
            spec.commandLine().getOut().printf("device %s: %d tasks queued, %d already queued%s%n", device, r.get("queued").asInt(), r.get("alreadyQueued").asInt(),
                    r.has("identity") ? " (model " + r.get("identity").asText() + ")" : "");
            return 0;
        }
    }

    @Command(name = "export-job", mixinStandardHelpOptions = true,
            description = {"Lease up to --max queued tasks of a device to a new job file for 'halo agent --offline'.",
                "The model file of each model task is written beside it (SHA256.onnx): carry them along."})
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
