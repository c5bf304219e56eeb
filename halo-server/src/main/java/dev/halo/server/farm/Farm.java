package dev.halo.server.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.BadInputException;
import dev.halo.measure.MeasureSettings;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.db.Repository.Completion;
import dev.halo.server.db.Repository.Task;
import dev.halo.server.db.Repository.TaskState;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The farm's server side: agents register, lease measurement tasks (long-polling), heartbeat, and upload results,
 * which become measurement rows with their provenance. Every request is checked whole before anything is written.
 * The queue itself is the database's {@code tasks} table ({@link Repository#lease}).
 */
public final class Farm {
    /** Largest result body accepted (one measurement's statistics are a few hundred bytes). */
    public static final int MAX_RESULT_BYTES = 64 * 1024;
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private final Repository repo;
    private final ObjectMapper json;
    private final long leaseMs;
    private final int maxAttempts;
    private final long maxWaitMs;
    private final Object signal = new Object();

    /**
     * @param leaseMs     how long a lease lasts without a heartbeat or result
     * @param maxAttempts leases a task gets before a failure or an expiry parks it
     * @param maxWaitMs   longest long-poll (kept under the server's idle timeout)
     */
    public Farm(Repository repo, ObjectMapper json, long leaseMs, int maxAttempts, long maxWaitMs) {
        this.repo = repo;
        this.json = json;
        this.leaseMs = leaseMs;
        this.maxAttempts = maxAttempts;
        this.maxWaitMs = maxWaitMs;
    }

    // ---------------------------------------------------------------- requests (the JSON bodies of docs/farm.md)

    public record RegisterRequest(String name, String device, JsonNode fingerprint) {}

    public record MeasureRequest(String device, String space, List<String> archs, Integer rounds, FarmSettings settings) {}

    public record HeartbeatRequest(String leaseToken) {}

    public record Stats(Integer runs, Double minMs, Double medianMs, Double p90Ms, Double meanMs, Double cv, Double robustCv, Double medianRelCi) {}

    public record ResultRequest(String leaseToken, Stats stats, String failure, String startedAt, String measuredAt) {}

    // ---------------------------------------------------------------- register

    public Map<String, Object> register(RegisterRequest r) {
        if (r.name() == null || !r.name().matches(NAME)) throw ApiException.badInput("name", "name must be 1-64 letters, digits, '.', '_' or '-'");
        if (r.device() == null || !r.device().matches(NAME)) throw ApiException.badInput("device", "device must be 1-64 letters, digits, '.', '_' or '-'");
        if (r.fingerprint() == null || !r.fingerprint().isObject())
            throw ApiException.badInput("fingerprint", "fingerprint must be a JSON object (CPU model, cores, OS, runtime versions, threads, batch)");
        String fp = r.fingerprint().toString();
        if (fp.length() > 8192) throw ApiException.badInput("fingerprint", "fingerprint is over 8192 characters");
        String fpId = r.fingerprint().path("id").isTextual() ? r.fingerprint().get("id").asText() : sha16(fp);
        if (fpId.length() > 64) throw ApiException.badInput("fingerprint.id", "fingerprint.id is over 64 characters");
        String label = r.fingerprint().path("label").isTextual() ? r.fingerprint().get("label").asText() : null;
        Repository.Agent a = repo.registerAgent(r.name(), r.device(), fpId, fp, label);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", a.id());
        m.put("name", a.name());
        m.put("device", r.device());
        m.put("deviceId", a.deviceId());
        m.put("fingerprintId", fpId);
        m.put("leaseSeconds", leaseMs / 1000.0);
        m.put("maxAttempts", maxAttempts);
        return m;
    }

    // ---------------------------------------------------------------- enqueue

    public Map<String, Object> enqueue(MeasureRequest r) {
        if (r.device() == null || !r.device().matches(NAME)) throw ApiException.badInput("device", "device must be 1-64 letters, digits, '.', '_' or '-'");
        SearchSpace<?> space;
        try {
            space = Spaces.byName(r.space() == null ? "nasbench201" : r.space());
        } catch (BadInputException e) {
            throw ApiException.badInput("space", e.getMessage());
        }
        if (r.archs() == null || r.archs().isEmpty()) throw ApiException.badInput("archs", "give at least one architecture in 'archs'");
        if (r.archs().size() > 100_000) throw ApiException.badInput("archs", "at most 100000 architectures per request, got " + r.archs().size());
        int rounds = r.rounds() == null ? 1 : r.rounds();
        if (rounds < 1 || rounds > 100) throw ApiException.badInput("rounds", "rounds must be 1..100, got " + rounds);
        FarmSettings settings = (r.settings() == null ? new FarmSettings(null, null, null, null, null, null) : r.settings()).filled();
        try {
            settings.toMeasureSettings();
        } catch (BadInputException e) {
            throw ApiException.badInput("settings", e.getMessage());
        }
        List<Repository.NewTask> tasks = new ArrayList<>();
        for (int i = 0; i < r.archs().size(); i++) {
            String canonical;
            try {
                canonical = space.parse(r.archs().get(i)).canonical();
            } catch (RuntimeException e) {
                throw ApiException.badInput("archs[" + i + "]", "archs[" + i + "]: " + e.getMessage());
            }
            for (int k = 1; k <= rounds; k++) tasks.add(new Repository.NewTask(space.name(), canonical, k));
        }
        long device = repo.deviceId(r.device());
        int added = repo.enqueue(device, write(settings), tasks);
        synchronized (signal) {
            signal.notifyAll();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("device", r.device());
        m.put("space", space.name());
        m.put("queued", added);
        m.put("alreadyQueued", tasks.size() - added);
        return m;
    }

    // ---------------------------------------------------------------- lease (long-poll)

    /** Up to {@code max} tasks for the agent, waiting up to {@code waitMs} (capped) for one to be queued or to come back. */
    public Map<String, Object> lease(long agentId, int max, long waitMs) throws InterruptedException {
        if (repo.agent(agentId).isEmpty()) throw ApiException.notFound("id", "no agent with id " + agentId + " (register with POST /api/agents)");
        long end = System.currentTimeMillis() + Math.min(waitMs, maxWaitMs);
        List<Task> got = repo.lease(agentId, max, System.currentTimeMillis(), leaseMs, maxAttempts);
        while (got.isEmpty() && System.currentTimeMillis() < end) {
            synchronized (signal) {
                signal.wait(Math.max(1, Math.min(250, end - System.currentTimeMillis())));
            }
            got = repo.lease(agentId, max, System.currentTimeMillis(), leaseMs, maxAttempts);
        }
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (Task t : got) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("leaseToken", t.leaseToken());
            m.put("deadline", Instant.ofEpochMilli(t.leaseDeadline()).toString());
            m.put("space", t.space());
            m.put("arch", t.arch());
            m.put("round", t.round());
            m.put("attempt", t.attempts());
            m.put("settings", read(t.settings()));
            tasks.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leaseSeconds", leaseMs / 1000.0);
        m.put("tasks", tasks);
        return m;
    }

    // ---------------------------------------------------------------- heartbeat and result

    public Map<String, Object> heartbeat(long taskId, HeartbeatRequest r) {
        if (r.leaseToken() == null || r.leaseToken().isBlank()) throw ApiException.badInput("leaseToken", "leaseToken is required");
        Task t = repo.task(taskId).orElseThrow(() -> ApiException.notFound("id", "no task with id " + taskId));
        long now = System.currentTimeMillis();
        if (!repo.heartbeat(taskId, r.leaseToken(), now, leaseMs)) throw notHeld(t);
        return Map.of("id", taskId, "deadline", Instant.ofEpochMilli(now + leaseMs).toString());
    }

    /** What a result upload did, and the status to answer with (201 stored, 200 a retry or a reported failure). */
    public record Outcome(int status, Map<String, Object> body) {}

    public Outcome result(long taskId, ResultRequest r) {
        check(r);
        Task t = repo.task(taskId).orElseThrow(() -> ApiException.notFound("id", "no task with id " + taskId));
        if (r.failure() != null) {
            TaskState s = repo.fail(taskId, r.leaseToken(), "agent: " + r.failure().strip(), maxAttempts).orElseThrow(() -> notHeld(t));
            if (s == TaskState.queued) {
                synchronized (signal) {
                    signal.notifyAll();
                }
            }
            return new Outcome(200, Map.of("id", taskId, "state", s.name()));
        }
        Repository.Agent agent = t.leaseOwner() == null ? null : repo.agent(t.leaseOwner()).orElse(null);
        String source = "farm task " + taskId + (agent == null ? "" : " by agent " + agent.name() + " #" + agent.id() + " (fingerprint " + agent.fingerprintId() + ")");
        MeasureSettings settings;
        try {
            settings = json.readValue(t.settings(), FarmSettings.class).toMeasureSettings();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Stats s = r.stats();
        Repository.NewMeasurement m = new Repository.NewMeasurement(null, null, 0, s.runs(), s.minMs(), s.medianMs(), s.p90Ms(), s.meanMs(), s.cv(), s.robustCv(),
                s.medianRelCi(), null, settings.toJson(), r.startedAt(), r.measuredAt() == null ? Instant.now().toString() : r.measuredAt());
        Completion c = repo.complete(taskId, r.leaseToken(), source, m);
        return switch (c) {
            case stored -> new Outcome(201, Map.of("id", taskId, "state", "done", "stored", true));
            case already -> new Outcome(200, Map.of("id", taskId, "state", "done", "stored", false));
            case notHeld -> throw notHeld(t);
            case unknown -> throw ApiException.notFound("id", "no task with id " + taskId);
        };
    }

    /** Every field of a result checked before anything is read from or written to the queue: 400 naming the first bad one. */
    static void check(ResultRequest r) {
        if (r.leaseToken() == null || r.leaseToken().isBlank()) throw ApiException.badInput("leaseToken", "leaseToken is required (from the lease)");
        if ((r.stats() == null) == (r.failure() == null))
            throw ApiException.badInput("stats", "give exactly one of 'stats' (the measurement) and 'failure' (why it could not be measured)");
        instant("startedAt", r.startedAt());
        instant("measuredAt", r.measuredAt());
        if (r.failure() != null) {
            if (r.failure().isBlank()) throw ApiException.badInput("failure", "failure must not be empty");
            if (r.failure().length() > 2000) throw ApiException.badInput("failure", "failure is over 2000 characters");
            return;
        }
        Stats s = r.stats();
        if (s.runs() == null || s.runs() < 1 || s.runs() > 10_000_000) throw ApiException.badInput("stats.runs", "stats.runs must be 1..10000000");
        if (s.medianMs() == null || !(s.medianMs() > 0) || s.medianMs().isInfinite())
            throw ApiException.badInput("stats.medianMs", "stats.medianMs must be a finite number > 0, got " + s.medianMs());
        nonNegative("stats.minMs", s.minMs());
        nonNegative("stats.p90Ms", s.p90Ms());
        nonNegative("stats.meanMs", s.meanMs());
        nonNegative("stats.cv", s.cv());
        nonNegative("stats.robustCv", s.robustCv());
        nonNegative("stats.medianRelCi", s.medianRelCi());
        if (s.minMs() != null && s.minMs() > s.medianMs()) throw ApiException.badInput("stats.minMs", "stats.minMs is above stats.medianMs");
        if (s.p90Ms() != null && s.p90Ms() < s.medianMs()) throw ApiException.badInput("stats.p90Ms", "stats.p90Ms is below stats.medianMs");
    }

    private static void nonNegative(String field, Double v) {
        if (v != null && (!(v >= 0) || v.isInfinite())) throw ApiException.badInput(field, field + " must be a finite number >= 0, got " + v);
    }

    private static void instant(String field, String v) {
        if (v == null) return;
        try {
            Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badInput(field, field + " must be an ISO-8601 UTC time like 2026-01-01T00:00:00Z, got '" + v + "'");
        }
    }

    private static ApiException notHeld(Task t) {
        String why = switch (t.state()) {
            case done -> "it is done (completed under another lease)";
            case parked -> "it is parked: " + t.lastError();
            case queued -> "its lease expired and it is queued again";
            case leased -> "it is leased to another holder (or your lease expired and it was leased again)";
        };
        return new ApiException(409, "leaseToken", "task " + t.id() + " is not held with this lease token: " + why);
    }

    // ---------------------------------------------------------------- listing

    public Map<String, Object> tasks(String state, int limit) {
        TaskState s = null;
        if (state != null) {
            try {
                s = TaskState.valueOf(state);
            } catch (IllegalArgumentException e) {
                throw ApiException.badInput("state", "state must be one of queued, leased, done, parked; got '" + state + "'");
            }
        }
        repo.expireLeases(System.currentTimeMillis(), maxAttempts);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Task t : repo.tasks(s, limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("deviceId", t.deviceId());
            m.put("space", t.space());
            m.put("arch", t.arch());
            m.put("round", t.round());
            m.put("state", t.state().name());
            m.put("agent", t.leaseOwner());
            m.put("deadline", t.leaseDeadline() == null ? null : Instant.ofEpochMilli(t.leaseDeadline()).toString());
            m.put("attempts", t.attempts());
            m.put("lastError", t.lastError());
            m.put("updated", t.updated());
            rows.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("counts", repo.taskCounts());
        m.put("tasks", rows);
        return m;
    }

    // ---------------------------------------------------------------- plumbing

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode read(String s) {
        try {
            return json.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha16(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
