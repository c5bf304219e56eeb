package dev.halo.server.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.BadInputException;
import dev.halo.app.model.MeasureModel;
import dev.halo.measure.MeasureSettings;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Repository;
import dev.halo.server.db.Repository.Completion;
import dev.halo.server.db.Repository.Offer;
import dev.halo.server.db.Repository.Task;
import dev.halo.server.db.Repository.TaskState;
import dev.halo.server.work.ModelUploads;
import dev.halo.space.SearchSpace;
import dev.halo.space.Spaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The farm's server side: agents register, lease measurement tasks (long-polling), heartbeat, and upload results,
 * which become measurement rows with their provenance. Every request is checked whole before anything is written.
 * The queue itself is the database's {@code tasks} table ({@link Repository#lease}).
 */
public final class Farm implements AutoCloseable {
    /** Largest result body accepted (one measurement's statistics are a few hundred bytes). */
    public static final int MAX_RESULT_BYTES = 64 * 1024;
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    /** The {@code format} of an offline job file and of its result file. */
    public static final String JOB_FORMAT = "halo-farm-job/1", RESULT_FORMAT = "halo-farm-result/1";
    /** The name of the agent an offline job file stands for; online agents may not take it. */
    static final String OFFLINE_AGENT = "offline-job";
    private static final System.Logger LOG = System.getLogger("halo.server.farm");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Repository repo;
    private final FarmModels models;
    private final ObjectMapper json;
    private final long leaseMs;
    private final int maxAttempts;
    private final long maxWaitMs;
    private final Object signal = new Object();
    private final ScheduledExecutorService sweeper;

    /**
     * @param leaseMs     how long a lease lasts without a heartbeat or result
     * @param maxAttempts leases a task gets before a failure or an expiry parks it
     * @param maxWaitMs   longest long-poll (kept under the server's idle timeout)
     * @param scratch     the folder model files are read in ({@link FarmModels})
     * @param uploads     where uploaded model files are streamed to, under their limit ({@link FarmModels#put})
     */
    public Farm(Repository repo, ObjectMapper json, long leaseMs, int maxAttempts, long maxWaitMs, Path scratch, ModelUploads uploads) {
        this.repo = repo;
        this.models = new FarmModels(repo, scratch, uploads);
        this.json = json;
        this.leaseMs = leaseMs;
        this.maxAttempts = maxAttempts;
        this.maxWaitMs = maxWaitMs;
        // expired leases return to the queue on their own, not only when an agent leases or someone lists tasks: a
        // quarter of a lease (at most 5 s) after its deadline at the latest
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "halo-farm-lease-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(5_000, leaseMs / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** One sweep of expired leases; an error (e.g. the database restarting) is logged and the next sweep tries again. */
    private void sweep() {
        try {
            if (repo.expireLeases(System.currentTimeMillis(), maxAttempts) > 0) {
                synchronized (signal) {
                    signal.notifyAll();
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "farm lease sweep failed (retried): " + e.getMessage());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }

    // ---------------------------------------------------------------- requests (the JSON bodies of docs/farm.md)

    public record RegisterRequest(String name, String device, JsonNode fingerprint, Offer offers) {}

    /** Architectures ({@code archs}, of {@code space}) or an uploaded model file ({@code model}: its SHA-256, fed {@code inputs}) to measure. */
    public record MeasureRequest(String device, String space, List<String> archs, String model, Map<String, String> inputs, Integer rounds,
                                 FarmSettings settings) {}

    public record ExportRequest(String device, Integer max, Double leaseHours, Offer offers) {}

    /** One entry of an offline result file: an online result plus the task it is for. */
    public record JobResult(Long task, String leaseToken, Stats stats, String failure, String model, String startedAt, String measuredAt) {
        ResultRequest request() {
            return new ResultRequest(leaseToken, stats, failure, model, null, startedAt, measuredAt);
        }
    }

    /** An offline agent's result file ({@code halo agent --offline}): the job it answers, the measuring machine's fingerprint, and a result per task. */
    public record ResultFile(String format, Long job, JsonNode fingerprint, List<JobResult> results) {}

    public record HeartbeatRequest(String leaseToken) {}

    public record Stats(Integer runs, Double minMs, Double medianMs, Double p90Ms, Double meanMs, Double cv, Double robustCv, Double medianRelCi) {}

    /**
     * A result; {@code model} is the SHA-256 of the file measured, required with the stats of a model task (provenance,
     * checked against the task's); {@code kernelCheck} is the answer of a kernel-check task, instead of stats.
     */
    public record ResultRequest(String leaseToken, Stats stats, String failure, String model, KernelCheck kernelCheck, String startedAt, String measuredAt) {}

    /**
     * A kernel check's answer: {@code mismatch} is the first architecture whose optimised ONNX Runtime graph runs other
     * kernels than halo's NB201 kernel model works out, described; null when every one agrees.
     */
    public record KernelCheck(String mismatch) {}

    // ---------------------------------------------------------------- register

    /**
     * Registers an agent (the caller has the server's token) and answers its own secret: the token its lease, heartbeat
     * and result requests must carry. Only the secret's SHA-256 is stored.
     */
    public Map<String, Object> register(RegisterRequest r) {
        if (r.name() == null || !r.name().matches(NAME)) throw ApiException.badInput("name", "name must be 1-64 letters, digits, '.', '_' or '-'");
        if (r.name().equals(OFFLINE_AGENT)) throw ApiException.badInput("name", "the name '" + OFFLINE_AGENT + "' is reserved for offline job files");
        if (r.device() == null || !r.device().matches(NAME)) throw ApiException.badInput("device", "device must be 1-64 letters, digits, '.', '_' or '-'");
        Fingerprint fp = fingerprint("fingerprint", r.fingerprint());
        Offer offer = offer(r.offers());
        String token = newAgentToken();
        Repository.Agent a = repo.registerAgent(r.name(), r.device(), fp.id(), fp.json(), fp.label(), tokenHash(token), offer);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", a.id());
        m.put("name", a.name());
        m.put("device", r.device());
        m.put("deviceId", a.deviceId());
        m.put("fingerprintId", fp.id());
        m.put("token", token);
        m.put("offers", offer);
        m.put("leaseSeconds", leaseMs / 1000.0);
        m.put("maxAttempts", maxAttempts);
        return m;
    }

    /** A reported fingerprint: its JSON, its id (the reported {@code id}, else a hash of the JSON) and its label. */
    private record Fingerprint(String id, String json, String label) {}

    private static Fingerprint fingerprint(String field, JsonNode f) {
        if (f == null || !f.isObject())
            throw ApiException.badInput(field, field + " must be a JSON object (CPU model, cores, OS, runtime versions, threads, batch)");
        String fp = f.toString();
        if (fp.length() > 8192) throw ApiException.badInput(field, field + " is over 8192 characters");
        String id = f.path("id").isTextual() ? f.get("id").asText() : sha16(fp);
        if (id.length() > 64) throw ApiException.badInput(field + ".id", field + ".id is over 64 characters");
        return new Fingerprint(id, fp, f.path("label").isTextual() ? f.get("label").asText() : null);
    }

    /** The settings an agent offers, checked: absent lists offer any value. */
    private static Offer offer(Offer o) {
        if (o == null) return Offer.ANY;
        checkOffered("offers.threads", o.threads(), 256);
        checkOffered("offers.batch", o.batch(), 4096);
        return o;
    }

    private static void checkOffered(String field, List<Integer> v, int max) {
        if (v == null) return;
        if (v.isEmpty() || v.size() > 32) throw ApiException.badInput(field, field + " must list 1 to 32 values (leave it out to offer any)");
        for (int i = 0; i < v.size(); i++)
            if (v.get(i) == null || v.get(i) < 1 || v.get(i) > max)
                throw ApiException.badInput(field + "[" + i + "]", field + "[" + i + "] must be 1.." + max + ", got " + v.get(i));
    }

    private static String newAgentToken() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The stored form of an agent's secret. A plain SHA-256 suffices: the secret is 192 random bits, not a password to guess. */
    static String tokenHash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agent a bearer token belongs to; 401 naming {@code Authorization} when it is nobody's. */
    public Repository.Agent authenticate(String token) {
        if (token == null || token.isBlank())
            throw new ApiException(401, "Authorization", "send this agent's token (from POST /api/agents) as 'Authorization: Bearer TOKEN'");
        return repo.agentByTokenHash(tokenHash(token))
                .orElseThrow(() -> new ApiException(401, "Authorization", "not an agent's token (register with POST /api/agents and use the token it answers)"));
    }

    // ---------------------------------------------------------------- enqueue

    public Map<String, Object> enqueue(MeasureRequest r) {
        if (r.device() == null || !r.device().matches(NAME)) throw ApiException.badInput("device", "device must be 1-64 letters, digits, '.', '_' or '-'");
        if (r.model() != null) return enqueueModel(r);
        if (r.inputs() != null) throw ApiException.badInput("inputs", "inputs go with 'model' (an uploaded ONNX file), not with architectures");
        SearchSpace<?> space;
        try {
            space = Spaces.byName(r.space() == null ? "nasbench201" : r.space());
        } catch (BadInputException e) {
            throw ApiException.badInput("space", e.getMessage());
        }
        if (r.archs() == null || r.archs().isEmpty()) throw ApiException.badInput("archs", "give at least one architecture in 'archs' (or an uploaded 'model')");
        if (r.archs().size() > 100_000) throw ApiException.badInput("archs", "at most 100000 architectures per request, got " + r.archs().size());
        int rounds = rounds(r);
        FarmSettings settings = settings(r);
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
        int added = repo.enqueue(device, write(settings), settings.threads(), settings.batch(), tasks);
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

    /**
     * A round per task of a stored model file, as {@code halo measure --model} would measure it: the task's space is
     * {@value MeasureModel#SPACE}, its arch the model's identity (SHA-256 and input shapes), so its rows are keyed as a
     * local store keys them. Only agents that offer models lease these tasks.
     */
    private Map<String, Object> enqueueModel(MeasureRequest r) {
        if (r.archs() != null) throw ApiException.badInput("archs", "give either 'archs' or 'model', not both");
        if (r.space() != null && !r.space().equals(MeasureModel.SPACE))
            throw ApiException.badInput("space", "a model's tasks are in space '" + MeasureModel.SPACE + "' (or leave 'space' out), got '" + r.space() + "'");
        int rounds = rounds(r);
        FarmSettings settings = settings(r);
        FarmModels.checkSha(r.model(), "model");
        FarmModels.Resolved m = models.resolve(r.model(), r.inputs());
        List<Repository.NewTask> tasks = new ArrayList<>();
        for (int k = 1; k <= rounds; k++) tasks.add(new Repository.NewTask(MeasureModel.SPACE, m.identity(), k));
        long device = repo.deviceId(r.device());
        int added = repo.enqueue(device, write(settings), settings.threads(), settings.batch(), m.sha256(), write(m.inputs()), tasks);
        synchronized (signal) {
            signal.notifyAll();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("device", r.device());
        out.put("space", MeasureModel.SPACE);
        out.put("model", m.sha256());
        out.put("identity", m.identity());
        out.put("inputs", m.inputs());
        out.put("queued", added);
        out.put("alreadyQueued", tasks.size() - added);
        return out;
    }

    /**
     * Queues a kernel check for the device (onboarding through the farm): an agent that runs ONNX Runtime checks its
     * optimised graph of {@code archs} against halo's NB201 kernel model and answers {@link KernelCheck}. Queued once per
     * device and list (a device's runtime is its own); true when it was new.
     */
    public boolean enqueueKernelCheck(String device, List<String> archs, FarmSettings settings) {
        FarmSettings filled = settings.filled();
        int added = repo.enqueue(repo.deviceId(device), write(filled), filled.threads(), filled.batch(),
                List.of(new Repository.NewTask(Repository.KERNEL_CHECK_SPACE, String.join(",", archs), 1)));
        synchronized (signal) {
            signal.notifyAll();
        }
        return added == 1;
    }

    private static int rounds(MeasureRequest r) {
        int rounds = r.rounds() == null ? 1 : r.rounds();
        if (rounds < 1 || rounds > 100) throw ApiException.badInput("rounds", "rounds must be 1..100, got " + rounds);
        return rounds;
    }

    private static FarmSettings settings(MeasureRequest r) {
        FarmSettings settings = (r.settings() == null ? new FarmSettings(null, null, null, null, null, null) : r.settings()).filled();
        try {
            settings.toMeasureSettings();
        } catch (BadInputException e) {
            throw ApiException.badInput("settings", e.getMessage());
        }
        return settings;
    }

    /** The model files of the farm: uploads, and the bytes agents and offline exports fetch. */
    public FarmModels models() {
        return models;
    }

    /**
     * The model file of a task that {@code caller} holds (its lease, not expired): 403 naming {@code Authorization}
     * otherwise (an agent fetches only what it is measuring), 404 for an unknown task or one that measures an architecture.
     */
    public byte[] taskModel(Repository.Agent caller, long taskId) {
        repo.expireLeases(System.currentTimeMillis(), maxAttempts);
        Task t = repo.task(taskId).orElseThrow(() -> ApiException.notFound("id", "no task with id " + taskId));
        if (t.modelSha256() == null) throw ApiException.notFound("id", "task " + taskId + " measures an architecture, not a model file");
        if (t.state() != TaskState.leased || !Long.valueOf(caller.id()).equals(t.leaseOwner()))
            throw new ApiException(403, "Authorization", "task " + taskId + " is not leased to agent #" + caller.id() + ": an agent fetches only the model of a task it holds");
        return models.bytes(t.modelSha256(), "id");
    }

    // ---------------------------------------------------------------- lease (long-poll)

    /**
     * Up to {@code max} tasks for the agent whose settings it offers, waiting up to {@code waitMs} (capped) for one to be
     * queued or to come back. Only the agent itself ({@code caller}) may lease as it: 403 otherwise.
     */
    public Map<String, Object> lease(Repository.Agent caller, long agentId, int max, long waitMs) throws InterruptedException {
        if (caller.id() != agentId)
            throw new ApiException(403, "Authorization", "this token is agent #" + caller.id() + "'s: an agent leases only as itself, not as #" + agentId);
        long end = System.currentTimeMillis() + Math.min(waitMs, maxWaitMs);
        List<Task> got = repo.lease(agentId, max, System.currentTimeMillis(), leaseMs, maxAttempts);
        while (got.isEmpty() && System.currentTimeMillis() < end) {
            synchronized (signal) {
                signal.wait(Math.max(1, Math.min(250, end - System.currentTimeMillis())));
            }
            got = repo.lease(agentId, max, System.currentTimeMillis(), leaseMs, maxAttempts);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leaseSeconds", leaseMs / 1000.0);
        m.put("tasks", leased(got));
        return m;
    }

    /** Leased tasks as an agent receives them: what to measure, how, and the lease token that proves it holds them. */
    private List<Map<String, Object>> leased(List<Task> got) {
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
            if (t.modelSha256() != null) {
                // the file to fetch (GET /api/tasks/ID/model; offline: SHA256.onnx beside the job file) and the shapes to feed it
                Map<String, Object> model = new LinkedHashMap<>();
                model.put("sha256", t.modelSha256());
                model.put("inputs", read(t.modelInputs()));
                model.put("url", "/api/tasks/" + t.id() + "/model");
                m.put("model", model);
            }
            tasks.add(m);
        }
        return tasks;
    }

    // ---------------------------------------------------------------- offline: job files out, result files in

    /**
     * A job file for a machine the server cannot reach: up to {@code max} queued tasks of the device (those the offer
     * accepts) leased to a new agent that stands for the file, for {@code leaseHours} (no heartbeats come from a file).
     * The file holds the lease tokens; its results come back through {@link #importResults}.
     */
    public Map<String, Object> exportJob(ExportRequest r) {
        if (r.device() == null || !r.device().matches(NAME)) throw ApiException.badInput("device", "device must be 1-64 letters, digits, '.', '_' or '-'");
        int max = r.max() == null ? 100 : r.max();
        if (max < 1 || max > 10_000) throw ApiException.badInput("max", "max must be 1..10000, got " + max);
        double hours = r.leaseHours() == null ? 24 : r.leaseHours();
        if (!(hours >= 0.001 && hours <= 720)) throw ApiException.badInput("leaseHours", "leaseHours must be 0.001..720 (30 days), got " + hours);
        Offer offer = offer(r.offers());
        if (repo.deviceByName(r.device()).isEmpty()) throw ApiException.notFound("device", "no device called '" + r.device() + "' (queue tasks for it first)");
        Repository.Agent job = repo.registerAgent(OFFLINE_AGENT, r.device(), null, null, null, null, offer);
        long now = System.currentTimeMillis();
        List<Task> got = repo.lease(job.id(), max, now, (long) (hours * 3_600_000), maxAttempts);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", JOB_FORMAT);
        m.put("job", job.id());
        m.put("device", r.device());
        m.put("exported", Instant.ofEpochMilli(now).toString());
        m.put("deadline", Instant.ofEpochMilli(now + (long) (hours * 3_600_000)).toString());
        m.put("tasks", leased(got));
        return m;
    }

    /**
     * Imports an offline result file with the checks of online results: every entry is checked first (400 naming
     * {@code results[i].field}); the measurements are then stored in one transaction, all or none (409/403 naming
     * the refused entry); a re-import stores nothing more. A failure entry returns its task to the queue (or parks it)
     * if the job still holds it, and changes nothing otherwise (e.g. when the file is imported again).
     */
    public Map<String, Object> importResults(ResultFile f) {
        if (!RESULT_FORMAT.equals(f.format())) throw ApiException.badInput("format", "format must be '" + RESULT_FORMAT + "', got '" + f.format() + "'");
        if (f.job() == null) throw ApiException.badInput("job", "job is required (the job file's 'job')");
        Fingerprint fp = fingerprint("fingerprint", f.fingerprint());
        if (f.results() == null) throw ApiException.badInput("results", "results is required (one entry per measured task)");
        if (f.results().size() > 10_000) throw ApiException.badInput("results", "at most 10000 results per file, got " + f.results().size());
        Set<Long> tasks = new HashSet<>();
        for (int i = 0; i < f.results().size(); i++) {
            JobResult e = f.results().get(i);
            if (e == null) throw ApiException.badInput("results[" + i + "]", "results[" + i + "] must be an object");
            if (e.task() == null) throw ApiException.badInput("results[" + i + "].task", "results[" + i + "].task is required (the job file's task id)");
            check(e.request(), "results[" + i + "].");
            if (!tasks.add(e.task())) throw ApiException.badInput("results[" + i + "].task", "results[" + i + "]: task " + e.task() + " is in the file twice");
        }
        Repository.Agent job = repo.agent(f.job()).filter(a -> a.name().equals(OFFLINE_AGENT))
                .orElseThrow(() -> ApiException.notFound("job", "no offline job " + f.job() + " (export one with POST /api/farm/jobs)"));
        List<Integer> measured = new ArrayList<>();
        List<Repository.TaskResult> results = new ArrayList<>();
        for (int i = 0; i < f.results().size(); i++) {
            JobResult e = f.results().get(i);
            if (e.stats() == null) continue;
            String field = "results[" + i + "]";
            Task t = repo.task(e.task()).orElseThrow(() -> ApiException.notFound(field + ".task", field + ": no task with id " + e.task()));
            checkModel(t, e.request(), field + ".");
            measured.add(i);
            results.add(taskResult(job.id(), job.name(), fp.id(), t, e.request()));
        }
        List<Completion> verdicts = repo.completeAll(results);
        for (int k = 0; k < verdicts.size(); k++) {
            if (verdicts.get(k).accepted()) continue;
            int i = measured.get(k);
            Task t = repo.task(f.results().get(i).task()).orElseThrow();
            String field = "results[" + i + "].leaseToken";
            throw switch (verdicts.get(k)) {
                case otherAgent -> new ApiException(403, field, "results[" + i + "]: task " + t.id() + " is not leased to job " + job.id());
                default -> new ApiException(409, field, "results[" + i + "]: " + notHeld(t).getMessage());
            };
        }
        repo.agentFingerprint(job.id(), fp.id(), fp.json(), fp.label());
        int failed = 0;
        for (JobResult e : f.results()) {
            if (e.failure() == null) continue;
            if (repo.fail(e.task(), job.id(), e.leaseToken(), "offline job " + job.id() + ": " + e.failure().strip(), maxAttempts).isPresent()) failed++;
        }
        if (failed > 0) {
            synchronized (signal) {
                signal.notifyAll();
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", job.id());
        m.put("stored", verdicts.stream().filter(v -> v == Completion.stored).count());
        m.put("already", verdicts.stream().filter(v -> v == Completion.already).count());
        m.put("failed", failed);
        return m;
    }

    // ---------------------------------------------------------------- heartbeat and result

    public Map<String, Object> heartbeat(Repository.Agent caller, long taskId, HeartbeatRequest r) {
        if (r.leaseToken() == null || r.leaseToken().isBlank()) throw ApiException.badInput("leaseToken", "leaseToken is required");
        Task t = repo.task(taskId).orElseThrow(() -> ApiException.notFound("id", "no task with id " + taskId));
        requireOwnLease(caller, t, r.leaseToken());
        long now = System.currentTimeMillis();
        if (!repo.heartbeat(taskId, caller.id(), r.leaseToken(), now, leaseMs)) throw notHeld(t);
        return Map.of("id", taskId, "deadline", Instant.ofEpochMilli(now + leaseMs).toString());
    }

    /** What a result upload did, and the status to answer with (201 stored, 200 a retry or a reported failure). */
    public record Outcome(int status, Map<String, Object> body) {}

    public Outcome result(Repository.Agent caller, long taskId, ResultRequest r) {
        check(r, "");
        Task t = repo.task(taskId).orElseThrow(() -> ApiException.notFound("id", "no task with id " + taskId));
        requireOwnLease(caller, t, r.leaseToken());
        if (r.failure() != null) {
            TaskState s = repo.fail(taskId, caller.id(), r.leaseToken(), "agent: " + r.failure().strip(), maxAttempts).orElseThrow(() -> notHeld(t));
            if (s == TaskState.queued) {
                synchronized (signal) {
                    signal.notifyAll();
                }
            }
            return new Outcome(200, Map.of("id", taskId, "state", s.name()));
        }
        checkModel(t, r, "");
        checkKernelCheck(t, r);
        Completion c = r.kernelCheck() != null ? repo.completeWithResult(taskId, caller.id(), r.leaseToken(), write(r.kernelCheck()))
                : repo.complete(taskResult(caller.id(), caller.name(), caller.fingerprintId(), t, r));
        return switch (c) {
            case stored -> new Outcome(201, Map.of("id", taskId, "state", "done", "stored", true));
            case already -> new Outcome(200, Map.of("id", taskId, "state", "done", "stored", false));
            case notHeld -> throw notHeld(t);
            case otherAgent -> throw otherAgent(caller, t);
            case unknown -> throw ApiException.notFound("id", "no task with id " + taskId);
        };
    }

    /** A measurement row for the task with its provenance: which agent (and fingerprint) measured it under the task's settings. */
    private Repository.TaskResult taskResult(long agentId, String agentName, String fingerprintId, Task t, ResultRequest r) {
        String source = "farm task " + t.id() + " by agent " + agentName + " #" + agentId + " (fingerprint " + fingerprintId + ")";
        MeasureSettings settings;
        try {
            settings = json.readValue(t.settings(), FarmSettings.class).toMeasureSettings();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Stats s = r.stats();
        Repository.NewMeasurement m = new Repository.NewMeasurement(null, null, 0, s.runs(), s.minMs(), s.medianMs(), s.p90Ms(), s.meanMs(), s.cv(), s.robustCv(),
                s.medianRelCi(), null, settings.toJson(), r.startedAt(), r.measuredAt() == null ? Instant.now().toString() : r.measuredAt());
        return new Repository.TaskResult(t.id(), agentId, r.leaseToken(), source, m);
    }

    /**
     * A task whose lease token the caller knows but which is leased to another agent: 403. (A wrong lease token is 409,
     * checked by the queue: the lease expired or was never this caller's.)
     */
    private static void requireOwnLease(Repository.Agent caller, Task t, String leaseToken) {
        if (leaseToken.equals(t.leaseToken()) && !Long.valueOf(caller.id()).equals(t.leaseOwner())) throw otherAgent(caller, t);
    }

    private static ApiException otherAgent(Repository.Agent caller, Task t) {
        return new ApiException(403, "Authorization", "task " + t.id() + " is leased to agent #" + t.leaseOwner() + ", not to #" + caller.id()
                + " (this token's agent): an agent acts only on its own leases");
    }

    /**
     * A measured model task's result names the file it measured, and it is the task's: what proves the row's model
     * (400 naming {@code model} otherwise); an architecture's result names none.
     */
    private static void checkModel(Task t, ResultRequest r, String prefix) {
        if (t.modelSha256() == null) {
            if (r.model() != null) throw bad(prefix, "model", "must be left out: task " + t.id() + " measures an architecture, not a model file");
            return;
        }
        if (r.model() == null)
            throw bad(prefix, "model", "is required: task " + t.id() + " measures model " + t.modelSha256() + "; send the SHA-256 of the file you measured");
        if (!r.model().equals(t.modelSha256()))
            throw bad(prefix, "model", "is " + r.model() + ", but task " + t.id() + " measures model " + t.modelSha256() + ": nothing stored");
    }

    /** A kernel-check task is answered with {@code kernelCheck} and every other task without it (400 naming {@code kernelCheck}). */
    private static void checkKernelCheck(Task t, ResultRequest r) {
        boolean check = t.space().equals(Repository.KERNEL_CHECK_SPACE);
        if (check && r.kernelCheck() == null)
            throw ApiException.badInput("kernelCheck", "kernelCheck is required: task " + t.id() + " is a kernel check, answered with {\"mismatch\": null or the first difference}");
        if (!check && r.kernelCheck() != null) throw ApiException.badInput("kernelCheck", "kernelCheck must be left out: task " + t.id() + " is a measurement");
    }

    /** Every field of a result checked before anything is read from or written to the queue: 400 naming the first bad one (after {@code prefix}). */
    static void check(ResultRequest r, String prefix) {
        if (r.leaseToken() == null || r.leaseToken().isBlank()) throw bad(prefix, "leaseToken", "is required (from the lease)");
        if ((r.stats() != null ? 1 : 0) + (r.failure() != null ? 1 : 0) + (r.kernelCheck() != null ? 1 : 0) != 1)
            throw bad(prefix, "stats", "or failure: give exactly one of 'stats' (the measurement), 'kernelCheck' (a kernel check's answer) and 'failure' (why it could not be done)");
        instant(prefix + "startedAt", r.startedAt());
        instant(prefix + "measuredAt", r.measuredAt());
        if (r.failure() != null) {
            if (r.failure().isBlank()) throw bad(prefix, "failure", "must not be empty");
            if (r.failure().length() > 2000) throw bad(prefix, "failure", "is over 2000 characters");
            return;
        }
        if (r.kernelCheck() != null) {
            if (r.kernelCheck().mismatch() != null && (r.kernelCheck().mismatch().isBlank() || r.kernelCheck().mismatch().length() > 8000))
                throw bad(prefix, "kernelCheck.mismatch", "must be null (the kernels agree) or 1-8000 characters");
            return;
        }
        Stats s = r.stats();
        if (s.runs() == null || s.runs() < 1 || s.runs() > 10_000_000) throw bad(prefix, "stats.runs", "must be 1..10000000");
        if (s.medianMs() == null || !(s.medianMs() > 0) || s.medianMs().isInfinite())
            throw bad(prefix, "stats.medianMs", "must be a finite number > 0, got " + s.medianMs());
        nonNegative(prefix + "stats.minMs", s.minMs());
        nonNegative(prefix + "stats.p90Ms", s.p90Ms());
        nonNegative(prefix + "stats.meanMs", s.meanMs());
        nonNegative(prefix + "stats.cv", s.cv());
        nonNegative(prefix + "stats.robustCv", s.robustCv());
        nonNegative(prefix + "stats.medianRelCi", s.medianRelCi());
        if (s.minMs() != null && s.minMs() > s.medianMs()) throw bad(prefix, "stats.minMs", "is above stats.medianMs");
        if (s.p90Ms() != null && s.p90Ms() < s.medianMs()) throw bad(prefix, "stats.p90Ms", "is below stats.medianMs");
    }

    private static ApiException bad(String prefix, String field, String what) {
        return ApiException.badInput(prefix + field, prefix + field + " " + what);
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
