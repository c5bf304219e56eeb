package dev.halo.cli.resident;

import dev.halo.cli.HaloCommand;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs {@code halo model predict} command lines for the {@code ./halo} launcher in one long-lived JVM, so that a
 * prediction does not pay for a fresh one: its start, class loading, picocli's reflective model of the commands and
 * interpreted code took 0.3-1 s of a ResNet-50 prediction whose work takes tens of milliseconds once warm.
 *
 * <p>It listens on the loopback interface only, on a free port, and writes {@code PORT TOKEN} to a file only its user
 * can read (the launcher reads it; a client that does not send the token is closed without an answer). A request is
 * NUL-terminated UTF-8 fields: the token, {@code run}, the client's working directory, the argument count, the
 * arguments (or the token and {@code stop}). The answer is the exit status, NUL, what the command wrote to stderr,
 * NUL, then what it wrote to stdout until the connection closes: the launcher reads the two short fields with bash's
 * {@code read} and copies the rest with {@code cat}. Paths on the command line are resolved against the client's
 * directory (so messages name them absolute). Requests are served one at a time.
 *
 * <p>It stops after {@code idle} without a request, on {@code stop}, when its file is removed or taken over by another
 * resident process, and when the jar it was loaded from changes (a rebuild): it then refuses the request (closes
 * without an answer), so the launcher runs the command in a fresh JVM of the new build.
 */
public final class ResidentServer implements AutoCloseable {
    /** The command lines served, by their leading arguments: anything else is refused. */
    static final List<List<String>> SERVED = List.of(List.of("model", "predict"));
    private static final int MAX_FIELDS = 4096, MAX_FIELD_BYTES = 1 << 16;
    private static final int TICK_MS = 2000, REQUEST_TIMEOUT_MS = 10_000;

    private final ServerSocket socket;
    private final Path file;
    private final String token;
    private final Path jar;
    private final String jarStamp;
    private boolean stopped;

    /**
     * Listens and writes {@code file}; {@code jar} (null: none) is the build whose change stops the server.
     */
    public ResidentServer(Path file, Path jar) throws IOException {
        this.file = file;
        this.jar = jar;
        this.jarStamp = stamp(jar);
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.token = HexFormat.of().formatHex(secret);
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, port() + " " + token + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** Serves requests until stopped (see the class comment); returns why it stopped. */
    public String serve(Duration idle) throws IOException {
        socket.setSoTimeout(TICK_MS);
        long lastRequest = System.nanoTime();
        while (true) {
            if (stopped) return "asked to stop";
            if (!jarStamp.equals(stamp(jar))) return "the jar was rebuilt";
            if (!ownsFile()) return file + " was removed or taken over";
            if (System.nanoTime() - lastRequest > idle.toNanos()) return "idle for " + idle.toMinutes() + " min";
            try (Socket client = socket.accept()) {
                lastRequest = System.nanoTime();
                handle(client);
            } catch (SocketTimeoutException tick) {
                // no request within a tick: check the stopping conditions again
            } catch (IOException | RuntimeException broken) {
                // a client that went away or sent a malformed request (a count that is no number, a bad path): the
                // next one is served all the same
            }
        }
    }

    private void handle(Socket client) throws IOException {
        client.setSoTimeout(REQUEST_TIMEOUT_MS);
        InputStream in = new BufferedInputStream(client.getInputStream());
        if (!MessageDigest.isEqual(field(in).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) return;
        String verb = field(in);
        if (verb.equals("stop")) {
            stopped = true;
            answer(client.getOutputStream(), 0, "", "");
            return;
        }
        if (!verb.equals("run") || !jarStamp.equals(stamp(jar))) return;
        Path cwd = Path.of(field(in));
        int count = Integer.parseInt(field(in));
        if (count < 0 || count > MAX_FIELDS || !cwd.isAbsolute()) return;
        String[] args = new String[count];
        for (int i = 0; i < count; i++) args[i] = field(in);
        if (SERVED.stream().noneMatch(prefix -> args.length >= prefix.size() && List.of(args).subList(0, prefix.size()).equals(prefix))) return;
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = run(args, cwd, out, err);
        answer(client.getOutputStream(), exit, err.toString(), out.toString());
    }

    /** Runs a command line as {@code ./halo} would in {@code cwd}, printing to {@code out} and {@code err}. */
    static int run(String[] args, Path cwd, StringWriter out, StringWriter err) {
        CommandLine cl = HaloCommand.newCommandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.registerConverter(Path.class, text -> cwd.resolve(text));
        return cl.execute(args);
    }

    private static void answer(OutputStream out, int exit, String err, String stdout) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((exit + "\0" + err.replace('\0', ' ') + "\0").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(stdout.getBytes(StandardCharsets.UTF_8));
        out.write(b.toByteArray());
        out.flush();
    }

    private static String field(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != 0; ) {
            if (c < 0) throw new IOException("request ended early");
            if (b.size() == MAX_FIELD_BYTES) throw new IOException("request field too long");
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    private boolean ownsFile() {
        try {
            return Files.readString(file).startsWith(port() + " " + token);
        } catch (IOException gone) {
            return false;
        }
    }

    /** The jar's modification time and size, to notice a rebuild ("" for no jar). */
    private static String stamp(Path jar) {
        if (jar == null) return "";
        try {
            return Files.getLastModifiedTime(jar).toMillis() / 1000 + "-" + Files.size(jar);
        } catch (IOException gone) {
            return "gone";
        }
    }

    /** Stops listening and removes the file if it is still this server's. */
    @Override
    public void close() throws IOException {
        if (ownsFile()) Files.deleteIfExists(file);
        socket.close();
    }

    /** Asks the resident process named by {@code file} to stop; false when none answers. */
    public static boolean stop(Path file) {
        try {
            String[] portToken = Files.readString(file).strip().split(" ");
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(portToken[0]))) {
                s.setSoTimeout(REQUEST_TIMEOUT_MS);
                s.getOutputStream().write((portToken[1] + "\0stop\0").getBytes(StandardCharsets.UTF_8));
                s.getOutputStream().flush();
                return s.getInputStream().read() == '0';
            }
        } catch (IOException | RuntimeException none) {
            return false;
        }
    }
}
