package dev.halo.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load {@link ServeBenchmark} puts on the server: closed-loop clients, each with one keep-alive HTTP/1.1
 * connection, sending its next request as soon as the last answer has been read. A blocking socket per client thread
 * is all a closed loop needs; java.net.http's client (its selector thread and executor hand each request and answer
 * between threads) cost about as much CPU as the server's own work on the two shared cores.
 *
 * <p>Runs in the benchmark's JVM, or in a JVM of its own ({@link #main}), which is how a real server is loaded: the
 * clients then share the cores with the server but not its heap, JIT or garbage collector.
 */
final class HttpLoad {
    private HttpLoad() {}

    /** A request to repeat: its body is {@code body}'s bytes, or {@code file}'s read anew each time (a 100 MB model). */
    record Request(String method, URI url, String contentType, String token, byte[] body, Path file) {
        Request {
            if ((body == null) == (file == null)) throw new IllegalArgumentException("a request has either a body or a file");
        }

        static Request json(URI url, String body) {
            return new Request("POST", url, "application/json", null, body.getBytes(StandardCharsets.UTF_8), null);
        }

        long length() throws IOException {
            return body != null ? body.length : Files.size(file);
        }
    }

    /** Every answer's latency in ms (sorted), answers that were not 200 or failed, and the seconds the clients ran. */
    record Sampled(double[] ms, int errors, double seconds) {}

    /**
     * {@code clients} closed loops: first {@code warmupSeconds} whose answers are discarded, then for {@code seconds}
     * each sending at most {@code perClient} requests. Runs here or, given {@code separateJvm}, in a new JVM.
     */
    interface Clients {
        Sampled measure(Request req, int clients, double warmupSeconds, double seconds, int perClient);
    }

    /** Clients as threads of this JVM. */
    static Sampled inProcess(Request req, int clients, double warmupSeconds, double seconds, int perClient) {
        if (warmupSeconds > 0) run(req, clients, warmupSeconds, Integer.MAX_VALUE);
        return run(req, clients, seconds, perClient);
    }

    /**
     * Clients in a JVM of their own, started for each call from this JVM's {@code java} and class path (so the same
     * code); a request's in-memory body goes to it through a file under {@code dir}.
     */
    static Clients separateJvm(Path dir) {
        return (req, clients, warmupSeconds, seconds, perClient) -> {
            Path body = null;
            try {
                Path file = req.file();
                if (file == null) file = body = Files.write(Files.createTempFile(dir, "load-body-", ".bin"), req.body());
                Path out = Files.createTempFile(dir, "load-", ".txt");
                try {
                    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Xmx512m", "-cp", System.getProperty("java.class.path"), HttpLoad.class.getName(),
                            req.method(), req.url().toString(), req.contentType(), req.token() == null ? "-" : req.token(), file.toString(),
                            Integer.toString(clients), Double.toString(warmupSeconds), Double.toString(seconds), Integer.toString(perClient)));
                    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    long limit = (long) (warmupSeconds + seconds) + 120;
                    if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                        throw new IllegalStateException("the benchmark's client JVM ran past " + limit + " s");
                    }
                    if (p.exitValue() != 0) throw new IllegalStateException("the benchmark's client JVM failed with exit " + p.exitValue());
                    return parse(Files.readAllLines(out));
                } finally {
                    Files.deleteIfExists(out);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot run the benchmark's client JVM: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                try {
                    if (body != null) Files.deleteIfExists(body);
                } catch (IOException ignored) {
                    // a leftover in the benchmark's temporary folder, which is deleted with it
                }
            }
        };
    }

    /**
     * The client JVM: {@code METHOD URL CONTENT-TYPE TOKEN|- BODY-FILE CLIENTS WARMUP-S SECONDS PER-CLIENT}; prints
     * "errors seconds" and then one latency in ms per line.
     */
    public static void main(String[] a) throws IOException {
        Request req = new Request(a[0], URI.create(a[1]), a[2], a[3].equals("-") ? null : a[3], null, Path.of(a[4]));
        if (Files.size(req.file()) < (16 << 20)) req = new Request(req.method(), req.url(), req.contentType(), req.token(), Files.readAllBytes(req.file()), null);
        Sampled s = inProcess(req, Integer.parseInt(a[5]), Double.parseDouble(a[6]), Double.parseDouble(a[7]), Integer.parseInt(a[8]));
        PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.US_ASCII);
        out.println(s.errors() + " " + s.seconds());
        for (double ms : s.ms()) out.println(String.format(Locale.ROOT, "%.4f", ms));
        out.flush();
    }

    private static Sampled parse(List<String> lines) {
        if (lines.isEmpty()) throw new IllegalStateException("the benchmark's client JVM printed nothing");
        String[] head = lines.getFirst().split(" ");
        double[] ms = lines.stream().skip(1).mapToDouble(Double::parseDouble).toArray();
        Arrays.sort(ms);
        return new Sampled(ms, Integer.parseInt(head[0]), Double.parseDouble(head[1]));
    }

    private static Sampled run(Request req, int clients, double seconds, int perClient) {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime(), end = start + (long) (seconds * 1e9);
        AtomicInteger errors = new AtomicInteger();
        List<Future<List<Double>>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) fs.add(pool.submit(() -> loop(req, end, perClient, errors)));
        List<Double> all = new ArrayList<>();
        try {
            for (Future<List<Double>> f : fs) all.addAll(f.get((long) seconds + 60, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("benchmark client failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
        double took = (System.nanoTime() - start) / 1e9;
        return new Sampled(all.stream().mapToDouble(Double::doubleValue).sorted().toArray(), errors.get(), took);
    }

    /** One client: requests until {@code end} or {@code perClient} answers; a failed connection is counted and opened again. */
    private static List<Double> loop(Request req, long end, int perClient, AtomicInteger errors) throws IOException {
        byte[] head = head(req);
        List<Double> ms = new ArrayList<>();
        Connection c = null;
        try {
            while (System.nanoTime() < end && ms.size() < perClient) {
                long t = System.nanoTime();
                try {
                    if (c == null) c = new Connection(req.url());
                    c.out.write(head);
                    if (req.body() != null) c.out.write(req.body());
                    else Files.copy(req.file(), c.out);
                    c.out.flush();
                    Answer a = c.read();
                    if (a.status() != 200) errors.incrementAndGet();
                    if (a.close()) {
                        c.close();
                        c = null;
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    if (c != null) c.close();
                    c = null;
                }
                ms.add((System.nanoTime() - t) / 1e6);
            }
        } finally {
            if (c != null) c.close();
        }
        return ms;
    }

    private static byte[] head(Request req) throws IOException {
        URI u = req.url();
        String target = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        StringBuilder h = new StringBuilder(req.method()).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(u.getHost()).append(':').append(u.getPort()).append("\r\n")
                .append("Content-Type: ").append(req.contentType()).append("\r\n")
                .append("Content-Length: ").append(req.length()).append("\r\n");
        if (req.token() != null) h.append("Authorization: Bearer ").append(req.token()).append("\r\n");
        return h.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A status and whether the server will close the connection after this answer. */
    private record Answer(int status, boolean close) {}

    /** One keep-alive connection; answers are read whole (Content-Length or chunked) and their bodies discarded. */
    private static final class Connection implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;

        Connection(URI url) throws IOException {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5_000);
            // an answer slower than this is a failure (the server's own request timeout is 30 s)
            socket.setSoTimeout(300_000);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        }

        Answer read() throws IOException {
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) throw new IOException("not an HTTP/1.1 answer: " + status);
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false, close = false;
            for (String h; !(h = line()).isEmpty(); ) {
                int colon = h.indexOf(':');
                if (colon < 0) continue;
                String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT), value = h.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> close = value.contains("close");
                    default -> { }
                }
            }
            if (chunked) {
                for (long n; (n = Long.parseLong(line().split(";")[0].strip(), 16)) > 0; ) {
                    skip(n);
                    line();
                }
                while (!line().isEmpty()) { } // trailers
            } else if (length >= 0) {
                skip(length);
            } else {
                // no length: the body runs to the end of the connection
                while (in.read() >= 0) { }
                close = true;
            }
            return new Answer(code, close);
        }

        private void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long k = in.skip(left);
                if (k <= 0) {
                    if (in.read() < 0) throw new EOFException("the answer ended early");
                    k = 1;
                }
                left -= k;
            }
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int ch; (ch = in.read()) != '\n'; ) {
                if (ch < 0) throw new EOFException("the connection closed mid-answer");
                if (ch != '\r') b.append((char) ch);
            }
            return b.toString();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing left to do
            }
        }
    }
}
