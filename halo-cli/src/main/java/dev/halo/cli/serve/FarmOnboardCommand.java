package dev.halo.cli.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.halo.server.farm.FarmFiles;
import dev.halo.server.farm.FarmOnboarding;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code halo farm onboard}: halo onboard's plan measured by a device's agents, thin over {@code POST /api/farm/onboard}. */
@Command(name = "onboard", mixinStandardHelpOptions = true,
        description = {"Onboard a device through its agents as 'halo onboard' onboards this machine.",
            "The same plan (references, samples, validation archs, rounds; with --features auto an agent first checks ONNX Runtime's kernels), queued for",
            "the device's agents; once they have measured it, the server fits and validates the profile and stores it. A job on",
            "the server: --wait follows it to the end."})
final class FarmOnboardCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin FarmCommand.ServerOptions server = new FarmCommand.ServerOptions();

    @Option(names = "--device", required = true, paramLabel = "DEVICE", description = "The device, as its agents registered.")
    String device;

    @Option(names = "--space", paramLabel = "SPACE", description = "The search space (default: nasbench201).")
    String space;

    @Option(names = "--predictor", paramLabel = "NAME", description = "auto, op-costs or help (default: auto).")
    String predictor;

    @Option(names = "--features", paramLabel = "NAME", description = "op-costs' feature set, or auto (default: auto).")
    String features;

    @Option(names = "--samples", paramLabel = "N", description = "Sample archs besides the references (default: halo onboard's, 10).")
    Integer samples;

    @Option(names = "--validate", paramLabel = "N", description = "Held-out validation archs (default: halo onboard's, 100).")
    Integer validate;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds of every arch (default: 2).")
    Integer rounds;

    @Option(names = "--seed", paramLabel = "N", description = "The draw's seed (default: 0).")
    Long seed;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads to measure with (default: halo's).")
    Integer threads;

    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: 1).")
    Integer batch;

    @Option(names = "--wait", description = "Follow the job until it ends, printing its progress; exit 1 when it fails.")
    boolean wait;

    @Override
    public Integer call() throws Exception {
        JsonNode started = FarmFiles.onboard(server.server, server.token, new FarmOnboarding.Request(device, space, predictor, features, samples, validate,
                rounds, seed, threads, batch, null, null, null, null));
        String id = started.get("id").asText();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("job %s: onboarding %s through its agents (poll %s)%n", id, device, started.get("poll").asText());
        out.flush();
        if (!wait) return 0;
        String last = "";
        while (true) {
            JsonNode j = FarmFiles.job(server.server, server.token, id);
            String state = j.get("state").asText();
            String progress = state + " " + j.path("stage").asText("") + " " + j.path("done").asLong() + "/" + j.path("total").asLong() + " "
                    + j.path("message").asText("");
            if (!progress.equals(last)) {
                spec.commandLine().getErr().println(progress.strip());
                spec.commandLine().getErr().flush();
                last = progress;
            }
            if (state.equals("succeeded")) {
                JsonNode r = j.get("result");
                out.printf(Locale.ROOT, "device %s: profile %d (%s%s), validated on %d held-out archs: Spearman %.3f, MAPE %.1f %%, within +-10 %% %.1f %%;"
                        + " round 1 vs 2 Spearman %.3f%n", device, r.get("profile").asLong(), r.get("predictor").asText(),
                        r.path("features").isTextual() ? ", " + r.get("features").asText() : "", r.get("validated").asInt(), r.get("spearman").asDouble(),
                        r.get("mape").asDouble(), 100 * r.get("within10").asDouble(), r.get("stability_spearman").asDouble()); // mape is in percent
                return 0;
            }
            if (List.of("failed", "cancelled").contains(state)) {
                out.printf("job %s %s: %s%n", id, state, j.path("error").asText(""));
                return 1;
            }
            Thread.sleep(2_000);
        }
    }
}
