package dev.halo.cli.serve;

import dev.halo.BadInputException;
import dev.halo.server.HaloServer;
import dev.halo.server.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code halo serve}: the REST API and web UI (halo-server) until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serve the REST API (/api, documented at /api/docs) and the web UI (/) over one database.",
            "With no options: SQLite in ~/.halo/server/halo.db, on http://127.0.0.1:7070, with a token generated and printed.",
            "Every write request needs the token: 'Authorization: Bearer TOKEN'.",
            "",
            "Examples:",
            "  halo serve",
            "  halo serve --db postgresql://db.example:5432/halo?user=halo&password=... --host 0.0.0.0 --token \"$HALO_TOKEN\""
        })
public final class ServeCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--db", paramLabel = "URL", description = "Database: a SQLite file path (default: DATA/halo.db) or postgresql://HOST:PORT/DB?user=..&password=..")
    String db;

    @Option(names = "--data", paramLabel = "DIR", description = "Folder for the SQLite file, job outputs and cached profiles (default: ~/.halo/server).")
    Path data;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "Interface to bind (default: ${DEFAULT-VALUE}: this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "7070", paramLabel = "PORT", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Token for write requests, at least 8 characters (default: a random one, printed).")
    String token;

    @Option(names = "--max-upload-mb", defaultValue = "8", paramLabel = "MB", description = "Largest request body accepted: CSV, JSON (default: ${DEFAULT-VALUE}).")
    double maxUploadMb;

    @Option(names = "--max-model-mb", defaultValue = "512", paramLabel = "MB",
            description = "Largest uploaded ONNX model accepted (POST /api/predict, /api/models/describe; streamed to disk) (default: ${DEFAULT-VALUE}).")
    double maxModelMb;

    @Option(names = "--queue", defaultValue = "16", paramLabel = "N", description = "Jobs that may wait behind the running one (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-archs", defaultValue = "20000", paramLabel = "N", description = "Architectures one prediction request may ask for (default: ${DEFAULT-VALUE}).")
    int maxArchs;

    @Option(names = "--accuracy", paramLabel = "FILE", description = "NAS-Bench-201 accuracy CSV for searches with accuracy 'table'.")
    Path accuracy;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "S", description = "Close a connection whose request stalls this many seconds (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--lease", defaultValue = "60", paramLabel = "S", description = "Farm: seconds an agent holds a task without a heartbeat or result (default: ${DEFAULT-VALUE}).")
    double lease;

    @Option(names = "--max-attempts", defaultValue = "3", paramLabel = "N", description = "Farm: leases a task gets before a failure or expiry parks it (default: ${DEFAULT-VALUE}).")
    int maxAttempts;

    @Override
    public Integer call() throws InterruptedException {
        Path dir = data != null ? data : Path.of(System.getProperty("user.home"), ".halo", "server");
        if (accuracy != null && !Files.isRegularFile(accuracy)) throw new BadInputException("--accuracy " + accuracy + ": no such file");
        if (!(maxUploadMb > 0)) throw new BadInputException("--max-upload-mb must be > 0, got " + maxUploadMb);
        if (!(maxModelMb > 0)) throw new BadInputException("--max-model-mb must be > 0, got " + maxModelMb);
        try {
            Files.createDirectories(dir); // before anything binds a port: an unusable folder is the user's to fix
        } catch (java.io.IOException | SecurityException e) {
            throw new BadInputException("--data " + dir + ": cannot create this folder (" + e.getMessage() + ")");
        }
        if (db != null && !db.startsWith("postgresql:")) {
            Path parent = Path.of(db).toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) throw new BadInputException("--db " + db + ": folder " + parent + " does not exist");
        }
        boolean generated = token == null;
        String t = generated ? HaloServer.generateToken() : token;
        ServerConfig config = new ServerConfig(host, port, db != null ? db : dir.resolve("halo.db").toString(), dir, t,
                (long) (maxUploadMb * 1024 * 1024), queue, maxArchs, accuracy, Math.round(timeout * 1000), Math.round(lease * 1000), maxAttempts,
                (long) (maxModelMb * 1024 * 1024));
        PrintWriter out = spec.commandLine().getOut();
        HaloServer server = HaloServer.create(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "halo-serve-shutdown");
        try {
            server.start();
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("halo serve: " + server.url() + "  (API docs: " + server.url() + "/api/docs)");
            out.println("database: " + server.database());
            out.println(generated ? "token (generated; writes need 'Authorization: Bearer TOKEN'): " + t : "token: as given by --token");
            out.flush();
            stopped.await();
        } catch (InterruptedException e) {
            // stopped in-process (tests): close here, the hook is not needed any more
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
        }
        return 0;
    }
}
