package dev.halo.cli.resident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.halo.cli.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resident process answers exactly what the command prints in a process of its own, and nothing to anyone else. */
class ResidentServerTest {
    @TempDir Path dir;
    private Path file;
    private ResidentServer server;
    private CompletableFuture<String> stopped;

    @BeforeEach
    void start() throws IOException {
        file = dir.resolve("halo-resident");
        server = new ResidentServer(file, null);
        stopped = CompletableFuture.supplyAsync(() -> {
            try {
                return server.serve(Duration.ofMinutes(1));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        ResidentServer.stop(file);
        stopped.get(10, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void theFileGivesPortAndTokenToItsUserOnly() throws IOException {
        assertThat(Files.readString(file)).matches(server.port() + " [0-9a-f]{48}\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aServedCommandLineAnswersItsExitStderrAndStdoutAsAProcessOfItsOwn() throws IOException {
        List<String> args = List.of("model", "predict", "--help");
        CliRun own = CliRun.of(args.toArray(String[]::new));
        assertThat(request(token(), "run", dir.toString(), args)).isEqualTo(own.exit() + "\0" + own.err() + "\0" + own.out());
        assertThat(own.out()).contains("Usage: halo model predict");
    }

    @Test
    void relativePathsAreTheClientsDirectorys() throws IOException {
        Path device = Files.writeString(dir.resolve("bad.json"), "{\"format\":\"halo-kernel-model\",\"version\":1}");
        String answer = request(token(), "run", dir.toString(), List.of("model", "predict", "x.onnx", "--device", "bad.json"));
        assertThat(answer).startsWith("2\0halo: ").contains(device.toString()).endsWith("\0");
    }

    @Test
    void noAnswerWithoutTheTokenOrForACommandItDoesNotServe() throws IOException {
        assertThat(request("0".repeat(48), "run", dir.toString(), List.of("model", "predict", "--help"))).isEmpty();
        assertThat(request(token(), "run", dir.toString(), List.of("zoo", "families"))).isEmpty();
        assertThat(request(token(), "run", "relative/dir", List.of("model", "predict", "--help"))).isEmpty();
        assertThat(request(token(), "shutdown", dir.toString(), List.of())).isEmpty();
        assertThat(stopped).isNotDone();
    }

    @Test
    void aMalformedRequestIsDroppedAndTheNextOneServed() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.getOutputStream().write((token() + "\0run\0/\0many\0").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(request(token(), "run", dir.toString(), List.of("model", "predict", "--help"))).startsWith("0\0");
    }

    @Test
    void stopEndsItAndRemovesItsFile() throws Exception {
        assertThat(ResidentServer.stop(file)).isTrue();
        assertThat(stopped.get(10, TimeUnit.SECONDS)).isEqualTo("asked to stop");
        server.close();
        assertThat(file).doesNotExist();
    }

    @Test
    void anotherResidentProcessTakingTheFileOverEndsThisOne() throws Exception {
        Files.writeString(file, "1 someone-else\n");
        assertThat(stopped.get(10, TimeUnit.SECONDS)).contains("taken over");
        server.close();
        assertThat(Files.readString(file)).isEqualTo("1 someone-else\n");
    }

    private String token() throws IOException {
        return Files.readString(file).strip().split(" ")[1];
    }

    /** Sends a request as the launcher does (NUL-terminated fields) and returns all that comes back. */
    private String request(String token, String verb, String cwd, List<String> args) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            StringBuilder r = new StringBuilder(token + "\0" + verb + "\0" + cwd + "\0" + args.size() + "\0");
            for (String a : args) r.append(a).append('\0');
            s.getOutputStream().write(r.toString().getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(b);
            } catch (IOException reset) {
                // a refused request is closed without an answer, which may reach us as a reset
            }
            return b.toString(StandardCharsets.UTF_8);
        }
    }
}
