package dev.halo.cli.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.cli.CliRun;
import org.junit.jupiter.api.Test;

class BenchServeCommandTest {
    @Test
    void measuresEveryCaseWithoutErrors() throws Exception {
        // a small zoo model in place of the ResNet-50 of a real run
        CliRun r = CliRun.of("bench", "serve", "--clients", "1,4", "--seconds", "0.3", "--model", "resnet:block=basic:depth=1-1:width=8-16:res=32",
                "--model-requests", "2", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        String json = r.out().substring(r.out().indexOf('['));
        JsonNode rows = new ObjectMapper().readTree(json);
        assertThat(rows).hasSize(6);
        for (JsonNode row : rows) {
            assertThat(row.get("requests").asInt()).as(row.toString()).isPositive();
            assertThat(row.get("errors").asInt()).as(row.toString()).isZero();
            assertThat(row.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(row.get("p50_ms").asDouble()).isPositive();
        }
        String model = rows.get(4).get("request").asText();
        assertThat(model).startsWith("resnet:block=basic:depth=1-1:width=8-16:res=32 model (").endsWith(" MB)");
        assertThat(rows.findValuesAsText("request")).containsExactly("1 arch", "1 arch", "100 archs", "100 archs", model, model);
        assertThat(rows.findValuesAsText("clients")).containsExactly("1", "4", "1", "4", "1", "4");
        // the model case sends a number of requests, at least one per client
        assertThat(rows.get(4).get("requests").asInt()).isEqualTo(2);
        assertThat(rows.get(5).get("requests").asInt()).isEqualTo(4);
        assertThat(r.err()).doesNotContain("Exception");
    }

    @Test
    void clientsInAJvmOfTheirOwnGetEveryAnswer() throws Exception {
        CliRun r = CliRun.of("bench", "serve", "--clients", "1,3", "--seconds", "0.3", "--model-requests", "0", "--clients-process", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out().substring(r.out().indexOf('[')));
        assertThat(rows.findValuesAsText("request")).containsExactly("1 arch", "1 arch", "100 archs", "100 archs");
        for (JsonNode row : rows) {
            assertThat(row.get("requests").asInt()).as(row.toString()).isPositive();
            assertThat(row.get("errors").asInt()).as(row.toString()).isZero();
        }
    }

    @Test
    void aCaseTooShortToTimeAnythingIsRefusedBeforeAnyWork() {
        CliRun r = CliRun.of("bench", "serve", "--seconds", "0.01");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--seconds must be in [0.1, 600], got 0.01");
    }
}
