package dev.halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class EvaluateCommandTest {
    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    static String nb201() {
        Path p = SharedData.path("help/nasbench201");
        return p.toString();
    }

    @Test
    void jsonReportHasPerDeviceScoresAndTheMean() throws Exception {
        CliRun r = run("evaluate", "--space", "nasbench201", "--dataset", nb201(), "--method", "flops", "--seeds", "1", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("devices")).hasSize(6);
        JsonNode first = json.get("devices").get(0);
        assertThat(first.get("device").asText()).isEqualTo("titan_rtx_256");
        for (String key : new String[] {"spearman", "kendall", "spearman_full", "mape", "within10"})
            assertThat(first.get(key).isNumber()).as(key).isTrue();
        assertThat(first.has("coverage80")).as("a FLOPs proxy has no intervals").isFalse();
        assertThat(first.get("spearman_per_seed")).hasSize(1);
        assertThat(json.get("mean_spearman").asDouble()).isBetween(0.5, 1.0);
    }

    @Test
    void deviceMixReportsItsRidgeChoiceAndIntervalCoverage() throws Exception {
        CliRun r = run("evaluate", "--space", "nasbench201", "--dataset", nb201(), "--method", "device-mix",
                "--train-devices", "1080ti_1,pixel3,silver_4114", "--valid-devices", "titanx_1", "--test-devices", "raspi4",
                "--seeds", "1", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("method_summary").asText()).startsWith("ridge lambda ");
        JsonNode raspi = json.get("devices").get(0);
        assertThat(raspi.get("coverage80").asDouble()).isBetween(0.0, 1.0);
        assertThat(raspi.get("coverage95").asDouble()).isGreaterThanOrEqualTo(raspi.get("coverage80").asDouble());
    }

    @Test
    void withoutAMethodAutoRunsAndSaysWhatItChose() throws Exception {
        CliRun r = run("evaluate", "--space", "nasbench201", "--dataset", nb201(), "--test-devices", "fpga", "--seeds", "1", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("method").asText()).isEqualTo("auto");
        assertThat(json.get("method_summary").asText()).startsWith("auto chose op-costs-dead-code: op-cost features exist for nasbench201");
    }

    @Test
    void listMethodsShowsTheDocumentedNamesAndTheExperimentalOnesOnRequest() {
        CliRun documented = run("evaluate", "--list-methods");
        assertThat(documented.exit()).as(documented.err()).isZero();
        assertThat(documented.out().lines()).containsExactly("auto", "op-costs", "op-costs-dead-code", "help", "device-mix", "flops", "params", "nearest-device");
        CliRun experimental = run("evaluate", "--list-methods", "--experimental");
        assertThat(experimental.out().lines()).contains("experimental:mix-src-loo-long+op-costs").allMatch(l -> l.startsWith("experimental:"));
    }

    @Test
    void mixLooWithASampleSelectionNamesBothInTheReport() throws Exception {
        CliRun r = run("evaluate", "--space", "nasbench201", "--dataset", nb201(), "--method", "experimental:mix-loo", "--selection", "flops-spread",
                "--train-devices", "1080ti_1,pixel3,silver_4114", "--valid-devices", "titanx_1", "--test-devices", "raspi4",
                "--seeds", "1", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("method").asText()).isEqualTo("mix-loo");
        assertThat(json.get("selection").asText()).isEqualTo("flops-spread");
        assertThat(json.get("method_summary").asText()).contains("per device by leave-one-out");
        assertThat(json.get("devices").get(0).get("spearman").asDouble()).isBetween(0.5, 1.0);
        assertThat(json.get("devices").get(0).get("coverage80").asDouble()).isBetween(0.0, 1.0);
        assertThat(run("evaluate", "--space", "nasbench201", "--dataset", nb201(), "--method", "flops", "--selection", "best").err())
                .contains("unknown --selection 'best'");
    }

    @Test
    void withoutReferencesOnlyTheSamplesAreKnown() throws Exception {
        String[] common = {"evaluate", "--space", "nasbench201", "--dataset", nb201(), "--method", "op-costs", "--test-devices", "fpga",
                "--seeds", "1", "--format", "json"};
        CliRun none = run(java.util.stream.Stream.concat(java.util.Arrays.stream(common), java.util.stream.Stream.of("--references", "none"))
                .toArray(String[]::new));
        assertThat(none.exit()).as(none.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(none.out());
        assertThat(json.get("references").asText()).isEqualTo("none");
        // fpga is additive in the op counts: ten samples pin its five costs down with or without the references
        assertThat(json.get("mean").get("spearman_full").asDouble()).isGreaterThan(0.99);
        JsonNode help = new ObjectMapper().readTree(run(common).out());
        assertThat(help.get("references").asText()).isEqualTo("help");
        // the interval comes from the known rows' leave-one-out errors: 10 rows are not the 20 of HELP's protocol
        assertThat(json.get("mean").get("coverage80").asDouble()).isNotEqualTo(help.get("mean").get("coverage80").asDouble());
    }

    @Test
    void customSplitPrintsATableWithAMeanRow() {
        CliRun r = run("evaluate", "--space", "nasbench201", "--dataset", nb201(), "--method", "nearest-device",
                "--train-devices", "1080ti_1,pixel3", "--test-devices", "pixel2", "--seeds", "2", "--samples", "5");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("nearest-device on nasbench201, 5 samples").contains("pixel2").containsPattern("(?m)^mean ");
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String data = nb201();
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "flops", "--test-devices", "nokia"),
                "unknown device nokia; known: ");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "flops",
                "--train-devices", "pixel2", "--test-devices", "pixel2"), "device pixel2 is listed as train and as test");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "flops", "--samples", "0"),
                "--samples must be at least 1");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "flops", "--samples", "721"),
                "exceeds the 720 kept train-pool architectures");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "magic"), "unknown method 'magic'");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "mix-loo"), "use --method experimental:mix-loo");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--model", "/nonexistent.pt"), "does not exist");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "flops", "--split", "help",
                "--test-devices", "pixel2"), "not both");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "flops", "--references", "some"),
                "unknown --references 'some'; known: help, none");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--model", "x.pt", "--references", "none"),
                "a HELP model reads the 10 reference latencies");
        assertBad(run("evaluate", "--space", "nasbench201", "--dataset", data, "--method", "experimental:mix-loo+help-dev", "--references", "none",
                "--train-devices", "1080ti_1,pixel3", "--test-devices", "fpga", "--seeds", "1"), "need latencies of the 10 reference archs, got 0");
    }

    private static void assertBad(CliRun r, String message) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains(message);
    }
}
