package dev.halo.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import dev.halo.cli.HaloCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir Path dir;

    @Test
    void servesOnLoopbackWithAGeneratedTokenUntilStopped() throws Exception {
        StringWriter out = new StringWriter(), err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> {
            var cl = HaloCommand.newCommandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            exit.set(cl.execute("serve", "--port", "0", "--data", dir.toString()));
        });
        t.start();
        Pattern url = Pattern.compile("halo serve: (http://127\\.0\\.0\\.1:\\d+)");
        Pattern token = Pattern.compile("token \\(generated[^)]*\\): ([0-9a-f]+)");
        Matcher m = url.matcher("");
        // the address and the token come in separate lines: wait for both (reading after the first alone was a race)
        for (int i = 0; i < 300 && !(url.matcher(out.toString()).find() && token.matcher(out.toString()).find()) && t.isAlive(); i++) Thread.sleep(50);
        m = url.matcher(out.toString());
        assertThat(m.find(0)).as(out + " / " + err).isTrue();
        String base = m.group(1);
        Matcher tm = token.matcher(out.toString());
        assertThat(tm.find()).as(out.toString()).isTrue();
        assertThat(out.toString()).contains("database: SQLite " + dir.resolve("halo.db").toAbsolutePath());

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/api/health")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(URI.create(base + "/api/measurements?device=x"))
                .header("Authorization", "Bearer " + tm.group(1)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("arch,latency_ms\n")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode()).as("the printed token is accepted (the empty CSV is not)").isEqualTo(400);
        assertThat(write.body()).contains("the CSV has no rows");

        t.interrupt();
        t.join(15_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        assertThat(Files.exists(dir.resolve("halo.db"))).isTrue();
    }

    @Test
    void badOptionsAreRefusedWithOneLine() {
        CliRun shortToken = CliRun.of("serve", "--token", "short", "--data", dir.toString());
        assertThat(shortToken.exit()).isEqualTo(2);
        assertThat(shortToken.err()).contains("--token must have at least 8 characters");
        CliRun port = CliRun.of("serve", "--port", "70000", "--data", dir.toString());
        assertThat(port.exit()).isEqualTo(2);
        assertThat(port.err()).contains("--port must be 0..65535");
    }
}
