package dev.halo.cli.predict;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchFarmCommandTest {
    @Test
    @Timeout(120)
    void drainsTheQueueWithEveryTaskCountedAndNoErrors() throws Exception {
        CliRun r = CliRun.of("bench", "farm", "--agents", "4", "--tasks", "60", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode row = new ObjectMapper().readTree(r.out().substring(r.out().indexOf('['))).get(0);
        assertThat(row.get("tasks").asInt()).as(row.toString()).isEqualTo(60);
        assertThat(row.get("errors").asInt()).isZero();
        assertThat(row.get("tasks_per_second").asDouble()).isPositive();
        assertThat(row.get("overhead_p99_ms").asDouble()).isGreaterThanOrEqualTo(row.get("overhead_p50_ms").asDouble()).isPositive();
    }
}
