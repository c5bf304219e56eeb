package dev.halo.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import dev.halo.server.HaloServer;
import dev.halo.server.ServerConfig;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import dev.halo.space.Nb201Space;
import dev.halo.space.Spaces;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code halo agent} against a server on loopback: drains its device's queue and stops when idle; a wrong token stops it with one line. */
@Timeout(120)
class AgentCommandTest {
    static final String TOKEN = "agent-test-token-42";
    @TempDir Path dir;

    @Test
    void anAgentDrainsItsDevicesQueueAndAWrongTokenStopsItWithOneLine() throws Exception {
        ServerConfig config = ServerConfig.local(dir, TOKEN);
        try (HaloServer server = HaloServer.create(config).start()) {
            String archs = ((Nb201Space) Spaces.byName("nasbench201")).all().stream().limit(5).map(a -> "\"" + a.canonical() + "\"")
                    .collect(Collectors.joining(","));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> q = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/farm/measure")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{\"device\":\"box\",\"archs\":[" + archs + "],\"rounds\":2}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(q.statusCode()).as(q.body()).isEqualTo(201);

            CliRun wrong = CliRun.of("agent", "--server", server.url(), "--token", "not-the-token", "--name", "x", "--retry", "2");
            assertThat(wrong.exit()).isEqualTo(2);
            assertThat(wrong.err()).contains("registering: the server answered 401: wrong token");

            CliRun run = CliRun.of("agent", "--server", server.url(), "--token", TOKEN, "--name", "a1", "--device", "box", "--idle-exit", "1", "--fake", "0");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).contains("agent a1 stopped (idle for 1.0 s): 10 stored, 0 already stored, 0 failed, 0 refused");
            try (Database db = Database.open(config.db())) {
                Repository repo = new Repository(db);
                assertThat(repo.countMeasurements()).isEqualTo(10);
                assertThat(repo.taskCounts()).containsEntry(Repository.TaskState.done, 10L);
            }
        }
    }
}
