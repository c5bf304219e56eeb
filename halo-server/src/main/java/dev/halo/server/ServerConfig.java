package dev.halo.server;

import dev.halo.BadInputException;
import java.nio.file.Path;

/**
 * How {@code halo serve} runs.
 *
 * @param host            interface to bind (127.0.0.1 unless asked)
 * @param port            0 picks a free port
 * @param db              database URL ({@link dev.halo.server.db.Database#open})
 * @param dataDir         folder for job outputs (onboarding stores and reports) and cached profile files
 * @param token           the token every write request must carry ({@code Authorization: Bearer TOKEN})
 * @param maxUploadBytes  largest request body accepted (CSV uploads, JSON)
 * @param queueCapacity   jobs that may wait behind the running one; more are refused with 503
 * @param maxArchs        architectures one prediction request may ask for
 * @param accuracyTable   NAS-Bench-201 accuracy CSV for searches that ask for {@code accuracy: "table"} (may be null)
 * @param idleTimeoutMs   a connection whose request I/O stalls this long is closed (slow or stuck clients cannot hold the server)
 * @param leaseMs         how long a farm agent holds a task without a heartbeat or result before it returns to the queue
 * @param maxAttempts     leases a farm task gets before a reported failure or an expired lease parks it
 * @param maxModelBytes   largest ONNX model accepted ({@code POST /api/predict}, {@code /api/models/describe}): streamed to disk, not held in memory
 */
public record ServerConfig(String host, int port, String db, Path dataDir, String token, long maxUploadBytes, int queueCapacity, int maxArchs,
                           Path accuracyTable, long idleTimeoutMs, long leaseMs, int maxAttempts, long maxModelBytes) {
    public static final long DEFAULT_LEASE_MS = 60_000;
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;

    public static final long DEFAULT_MAX_UPLOAD = 8L << 20;

    /** Room for real models: a ResNet-50 is ~100 MB, a ViT-B ~350 MB. */
    public static final long DEFAULT_MAX_MODEL = 512L << 20;

    public ServerConfig {
        if (host == null || host.isBlank()) throw new BadInputException("--host must not be empty");
        if (port < 0 || port > 65535) throw new BadInputException("--port must be 0..65535, got " + port);
        if (token == null || token.length() < 8) throw new BadInputException("--token must have at least 8 characters");
        if (maxUploadBytes < 1024) throw new BadInputException("--max-upload must be at least 1 KiB, got " + maxUploadBytes);
        if (queueCapacity < 1) throw new BadInputException("--queue must be at least 1, got " + queueCapacity);
        if (maxArchs < 1) throw new BadInputException("--max-archs must be at least 1, got " + maxArchs);
        if (idleTimeoutMs < 100) throw new BadInputException("--timeout must be at least 0.1 s, got " + idleTimeoutMs + " ms");
        if (leaseMs < 100) throw new BadInputException("--lease must be at least 0.1 s, got " + leaseMs + " ms");
        if (maxAttempts < 1) throw new BadInputException("--max-attempts must be at least 1, got " + maxAttempts);
        if (maxModelBytes < 1024) throw new BadInputException("--max-model-mb must be at least 1 KiB, got " + maxModelBytes + " bytes");
    }

    public ServerConfig(String host, int port, String db, Path dataDir, String token, long maxUploadBytes, int queueCapacity, int maxArchs,
                        Path accuracyTable, long idleTimeoutMs) {
        this(host, port, db, dataDir, token, maxUploadBytes, queueCapacity, maxArchs, accuracyTable, idleTimeoutMs, DEFAULT_LEASE_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_MODEL);
    }

    /** Loopback, a free port, a SQLite file in {@code dataDir}, 8 MiB uploads (512 MiB models), 16 queued jobs, 20,000 archs per prediction. */
    public static ServerConfig local(Path dataDir, String token) {
        return new ServerConfig("127.0.0.1", 0, dataDir.resolve("halo.db").toString(), dataDir, token, DEFAULT_MAX_UPLOAD, 16, 20_000, null,
                DEFAULT_IDLE_TIMEOUT_MS);
    }

    public ServerConfig withDb(String url) {
        return new ServerConfig(host, port, url, dataDir, token, maxUploadBytes, queueCapacity, maxArchs, accuracyTable, idleTimeoutMs, leaseMs, maxAttempts, maxModelBytes);
    }

    public ServerConfig withLimits(long uploadBytes, int queue) {
        return new ServerConfig(host, port, db, dataDir, token, uploadBytes, queue, maxArchs, accuracyTable, idleTimeoutMs, leaseMs, maxAttempts, maxModelBytes);
    }

    public ServerConfig withIdleTimeout(long ms) {
        return new ServerConfig(host, port, db, dataDir, token, maxUploadBytes, queueCapacity, maxArchs, accuracyTable, ms, leaseMs, maxAttempts, maxModelBytes);
    }

    /** The farm's lease length and attempts before a task is parked. */
    public ServerConfig withFarm(long lease, int attempts) {
        return new ServerConfig(host, port, db, dataDir, token, maxUploadBytes, queueCapacity, maxArchs, accuracyTable, idleTimeoutMs, lease, attempts, maxModelBytes);
    }

    /** The same server on another port (e.g. a restart on the port the first run picked). */
    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, db, dataDir, token, maxUploadBytes, queueCapacity, maxArchs, accuracyTable, idleTimeoutMs, leaseMs, maxAttempts, maxModelBytes);
    }

    /** The largest uploaded ONNX model accepted. */
    public ServerConfig withModelLimit(long bytes) {
        return new ServerConfig(host, port, db, dataDir, token, maxUploadBytes, queueCapacity, maxArchs, accuracyTable, idleTimeoutMs, leaseMs, maxAttempts, bytes);
    }
}
