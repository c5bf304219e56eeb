package dev.halo.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.halo.Halo;
import dev.halo.predict.LatencyPredictor.Prediction;
import dev.halo.server.HaloServer;
import dev.halo.server.ServerConfig;
import dev.halo.server.db.Repository;
import dev.halo.server.db.Repository.Device;
import dev.halo.server.db.Repository.Job;
import dev.halo.server.db.Repository.Profile;
import dev.halo.server.farm.Farm;
import dev.halo.server.farm.FarmModels;
import dev.halo.server.farm.FarmOnboarding;
import dev.halo.server.jobs.Jobs;
import dev.halo.server.work.KernelModels;
import dev.halo.server.work.ModelDescriptions;
import dev.halo.server.work.ModelPredictions;
import dev.halo.server.work.ModelUploads;
import dev.halo.server.work.OnboardJob;
import dev.halo.server.work.Profiles;
import dev.halo.server.work.SearchJob;
import dev.halo.server.work.Uploads;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The API's handlers: parse the request, call the use case (through {@code work}), answer JSON. Nothing else. */
public final class Api {
    private final ServerConfig config;
    private final Repository repo;
    private final Jobs jobs;
    private final ObjectMapper json;
    private final Profiles profiles;
    private final Uploads uploads;
    private final OnboardJob onboard;
    private final SearchJob search;
    private final Farm farm;
    private final FarmOnboarding farmOnboarding;
    private final ModelDescriptions models;
    private final ModelPredictions modelPredictions;
    private final KernelModels kernelModels;
    private final Map<String, Access> registered = new LinkedHashMap<>();
    private final List<SseClient> streams = new CopyOnWriteArrayList<>();

    public Api(ServerConfig config, Repository repo, Jobs jobs, ObjectMapper json) {
        this.config = config;
        this.repo = repo;
        this.jobs = jobs;
        this.json = json;
        this.profiles = new Profiles(repo, config.dataDir(), json);
        this.uploads = new Uploads(repo, config.dataDir());
        this.onboard = new OnboardJob(repo, config.dataDir(), json);
        this.search = new SearchJob(repo, profiles, config.accuracyTable(), json);
        // uploaded models wait for their turn at most until a second before the server would drop the connection as idle
        ModelUploads modelUploads = new ModelUploads(config.dataDir().resolve("model-uploads"), config.maxModelBytes(),
                Math.max(0, config.idleTimeoutMs() - 1_000));
        this.models = new ModelDescriptions(modelUploads);
        this.modelPredictions = new ModelPredictions(modelUploads);
        this.kernelModels = new KernelModels(repo);
        // a long-poll ends a second before the server would drop the connection as idle
        // farm model files are kept in the database, so they stay under the upload limit (--max-upload-mb), not the model one
        this.farm = new Farm(repo, json, config.leaseMs(), config.maxAttempts(), Math.max(0, Math.min(30_000, config.idleTimeoutMs() - 1_000)),
                config.dataDir().resolve("farm-models"), new ModelUploads(config.dataDir().resolve("farm-model-uploads"), config.maxUploadBytes(),
                        "--max-upload-mb", Math.max(0, config.idleTimeoutMs() - 1_000)));
        // an onboarding through the farm looks at its tasks four times a second while it waits for the agents
        this.farmOnboarding = new FarmOnboarding(repo, farm, config.dataDir(), json, 250);
        for (Job j : jobs.resumeUnfinished(Map.of("onboard", onboard::resume, "search", search::resume, FarmOnboarding.KIND, farmOnboarding::resume))) {
            // an onboarding given up on: what it measured still goes into the database (a resumed one did this already)
            int recovered = j.state().finished() ? onboard.recover(j) : 0;
            if (recovered > 0)
                System.getLogger("halo.server").log(System.Logger.Level.INFO, "job " + j.id() + ": " + recovered + " measurements recovered from its store");
        }
        // event streams get a comment every 10 s, so that quiet phases of a job do not look like a dead connection
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "halo-sse-keepalive");
            t.setDaemon(true);
            return t;
        });
        beat.scheduleAtFixedRate(() -> streams.forEach(c -> {
            try {
                if (!c.terminated()) c.sendComment("keep-alive");
            } catch (RuntimeException ignored) {
                // the client went away; its onClose removes it
            }
        }), 10, 10, TimeUnit.SECONDS);
    }

    /**
     * Who may call a route: anyone, whoever has the server's token, a registered farm agent with its own token, or (for
     * {@code POST /api/predict}) anyone with JSON but the server's token with an uploaded model, which ONNX Runtime
     * optimises on this machine.
     */
    public enum Access { PUBLIC, ADMIN, AGENT, PUBLIC_BUT_MODELS_ADMIN }

    /** Every route as "METHOD /path" with who may call it (what the OpenAPI test checks against the document). */
    public Map<String, Access> registered() {
        return Map.copyOf(registered);
    }

    /** A handler of an agent's route, given the agent its token belongs to. */
    interface AgentHandler {
        void handle(Context ctx, Repository.Agent agent) throws Exception;
    }

    public void routes(RoutesConfig r) {
        get(r, "/api/health", this::health);
        get(r, "/api/openapi.json", this::openapi);
        get(r, "/api/docs", this::docs);
        get(r, "/api/devices", this::devices);
        get(r, "/api/devices/{id}", this::device);
        post(r, "/api/devices/{id}/profile", Access.ADMIN, this::fitProfile);
        // a device's kernel latency model (issue 16), by device name: what predicts uploaded ONNX models on it
        r.put("/api/devices/{name}/kernel-model", admin(this::putKernelModel));
        registered.put("PUT /api/devices/{name}/kernel-model", Access.ADMIN);
        get(r, "/api/devices/{name}/kernel-model", this::kernelModel);
        get(r, "/api/measurements", this::measurements);
        post(r, "/api/measurements", Access.ADMIN, this::upload);
        // computes, stores nothing: no token for architectures; an uploaded model runs ONNX Runtime here: the server's token
        post(r, "/api/predict", Access.PUBLIC_BUT_MODELS_ADMIN, this::predict);
        post(r, "/api/jobs/onboard", Access.ADMIN, this::startOnboard);
        post(r, "/api/jobs/search", Access.ADMIN, this::startSearch);
        get(r, "/api/jobs/{id}", this::job);
        r.delete("/api/jobs/{id}", admin(this::cancel));
        registered.put("DELETE /api/jobs/{id}", Access.ADMIN);
        r.sse("/api/jobs/{id}/events", this::events);
        registered.put("GET /api/jobs/{id}/events", Access.PUBLIC);
        post(r, "/api/agents", Access.ADMIN, this::registerAgent);
        agentPost(r, "/api/agents/{id}/lease", this::lease);
        agentPost(r, "/api/tasks/{id}/heartbeat", this::heartbeat);
        agentPost(r, "/api/tasks/{id}/result", this::result);
        post(r, "/api/farm/measure", Access.ADMIN, this::farmMeasure);
        post(r, "/api/farm/jobs", Access.ADMIN, this::exportJob);
        post(r, "/api/farm/results", Access.ADMIN, this::importResults);
        post(r, "/api/farm/onboard", Access.ADMIN, this::farmOnboard);
        farmModelRoutes(r);
        // computes, but takes an uploaded model onto this machine's disk and ONNX Runtime: the server's token
        post(r, "/api/models/describe", Access.ADMIN, this::describeModel);
        get(r, "/api/tasks", this::tasks);
    }

    private void get(RoutesConfig r, String path, Handler h) {
        r.get(path, h);
        registered.put("GET " + path, Access.PUBLIC);
    }

    private void post(RoutesConfig r, String path, Access access, Handler h) {
        r.post(path, access == Access.ADMIN ? admin(h) : h);
        registered.put("POST " + path, access);
    }

    private void agentPost(RoutesConfig r, String path, AgentHandler h) {
        r.post(path, ctx -> h.handle(ctx, agent(ctx)));
        registered.put("POST " + path, Access.AGENT);
    }

    /** The handler behind the server's token (checked before the body is read). */
    private Handler admin(Handler h) {
        return ctx -> {
            requireAdmin(ctx);
            h.handle(ctx);
        };
    }

    private static String bearer(Context ctx) {
        String auth = ctx.header("Authorization");
        return auth != null && auth.startsWith("Bearer ") ? auth.substring(7).strip() : ctx.header("X-Halo-Token");
    }

    private void requireAdmin(Context ctx) {
        String given = bearer(ctx);
        if (given == null || !isAdmin(given))
            throw new ApiException(401, "Authorization", given == null
                    ? "this endpoint writes: send the server's token as 'Authorization: Bearer TOKEN' (printed when halo serve started)"
                    : "wrong token");
    }

    private boolean isAdmin(String given) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), config.token().getBytes(StandardCharsets.UTF_8));
    }

    /** The agent whose own token the request carries; the server's token is not an agent's (401 saying so). */
    private Repository.Agent agent(Context ctx) {
        String given = bearer(ctx);
        if (given != null && isAdmin(given))
            throw new ApiException(401, "Authorization", "this is the server's token; an agent's requests carry the agent's own token (answered by POST /api/agents)");
        return farm.authenticate(given);
    }

    // ---------------------------------------------------------------- meta

    private void health(Context ctx) {
        ctx.json(Map.of("status", "ok", "halo", Halo.version(), "database", repo.database().vendor().name().toLowerCase()));
    }

    private void openapi(Context ctx) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("/openapi.json")) {
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    private void docs(Context ctx) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("/web/swagger.html")) {
            ctx.contentType("text/html; charset=utf-8").result(in.readAllBytes());
        }
    }

    // ---------------------------------------------------------------- devices

    private void devices(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<Long, Repository.KernelModel> kms = repo.kernelModels();
        for (Device d : repo.devices()) out.add(summary(d, repo.latestProfile(d.id()), kms.get(d.id())));
        ctx.json(out);
    }

    private Map<String, Object> summary(Device d, Optional<Profile> p) {
        return summary(d, p, repo.kernelModels().get(d.id()));
    }

    /** A device with its newest profile (architecture spaces) and its kernel model (any ONNX model), each null when it has none. */
    private Map<String, Object> summary(Device d, Optional<Profile> p, Repository.KernelModel km) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("name", d.name());
        m.put("fingerprintId", d.fingerprintId());
        m.put("label", d.label());
        m.put("created", d.created());
        if (p.isPresent()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("id", p.get().id());
            pm.put("space", p.get().space());
            pm.put("method", p.get().method());
            pm.put("source", p.get().source());
            pm.put("created", p.get().created());
            pm.put("validation", profiles.validation(p.get()));
            m.put("profile", pm);
        } else {
            m.put("profile", null);
        }
        m.put("kernelModel", km == null ? null : KernelModels.summary(km));
        return m;
    }

    /** The body is a kernel-model JSON file ({@code halo model onboard} / {@code fit}); 201 when new, 200 when it replaced one. */
    private void putKernelModel(Context ctx) {
        String name = ctx.pathParam("name");
        KernelModels.checkName(name, "name");
        KernelModels.Stored s = kernelModels.put(name, body(ctx));
        ctx.status(s.replaced() ? 200 : 201).json(s);
    }

    /** The device's kernel-model file as stored (404 when the device or its model is missing). */
    private void kernelModel(Context ctx) {
        String name = ctx.pathParam("name");
        Repository.KernelModel k = repo.kernelModel(name).orElseThrow(() -> ApiException.notFound("name",
                repo.deviceByName(name).isPresent() ? "device '" + name + "' has no kernel model" : "no device called '" + name + "'"));
        ctx.contentType("application/json").result(k.json());
    }

    private Device deviceParam(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badInput("id", "device id must be a number, got '" + ctx.pathParam("id") + "'");
        }
        return repo.device(id).orElseThrow(() -> ApiException.notFound("id", "no device with id " + id));
    }

    /** A device with its fingerprint, profile and the predicted-vs-measured check of the profile. */
    private void device(Context ctx) throws IOException {
        Device d = deviceParam(ctx);
        Optional<Profile> p = repo.latestProfile(d.id());
        Map<String, Object> m = summary(d, p);
        m.put("fingerprint", d.fingerprint() == null ? null : json.readTree(d.fingerprint()));
        Map<String, List<Double>> measured = new TreeMap<>();
        for (Repository.Measurement x : repo.measurements(d.id(), p.map(Profile::space).orElse(null), 100_000))
            if (x.medianMs() != null) measured.computeIfAbsent(x.arch(), k -> new ArrayList<>()).add(x.medianMs());
        m.put("measuredArchs", measured.size());
        if (p.isPresent()) m.put("check", check(d, p.get(), measured));
        ctx.json(m);
    }

    /**
     * Predicted next to measured for the profile's archs: the validation archs an onboarding stored (never seen by the
     * fit), else every measured arch (the fit's own samples, labelled as such).
     */
    private Map<String, Object> check(Device d, Profile p, Map<String, List<Double>> measured) {
        List<Repository.StoredPrediction> stored = repo.predictions(p.id());
        List<Map<String, Object>> points = new ArrayList<>();
        String kind;
        if (!stored.isEmpty()) {
            kind = "validation archs (not used by the fit)";
            for (Repository.StoredPrediction s : stored)
                if (measured.containsKey(s.arch())) points.add(point(s.arch(), median(measured.get(s.arch())), s.ms(), s.lowerMs(), s.upperMs()));
        } else {
            kind = "the fit's own samples (in-sample)";
            List<String> archs = new ArrayList<>(measured.keySet());
            if (archs.size() > 5000) archs = archs.subList(0, 5000);
            if (!archs.isEmpty()) {
                Profiles.DevicePredictions pr = profiles.predict(d, archs, 0.8);
                for (int i = 0; i < archs.size(); i++) {
                    Prediction x = pr.predictions().get(i);
                    points.add(point(archs.get(i), median(measured.get(archs.get(i))), x.ms(), x.lowerMs(), x.upperMs()));
                }
            }
        }
        return Map.of("kind", kind, "points", points);
    }

    private static Map<String, Object> point(String arch, double measured, double predicted, Double lo, Double hi) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arch", arch);
        m.put("measuredMs", measured);
        m.put("predictedMs", predicted);
        m.put("lowerMs", lo);
        m.put("upperMs", hi);
        return m;
    }

    public record FitRequest(String space, String method, Long seed) {}

    private void fitProfile(Context ctx) {
        Device d = deviceParam(ctx);
        FitRequest r = HaloServer.body(json, body(ctx), FitRequest.class);
        ctx.status(201).json(profiles.fit(d, r.space() == null ? "nasbench201" : r.space(), r.method() == null ? "auto" : r.method(),
                r.seed() == null ? 0 : r.seed()));
    }

    // ---------------------------------------------------------------- measurements

    private void measurements(Context ctx) {
        String name = ctx.queryParam("device");
        if (name == null || name.isBlank()) throw ApiException.badInput("device", "give ?device=NAME");
        Device d = repo.deviceByName(name).orElseThrow(() -> ApiException.notFound("device", "no device called '" + name + "'"));
        int limit = intParam(ctx, "limit", 1000, 1, 100_000);
        ctx.json(repo.measurements(d.id(), ctx.queryParam("space"), limit));
    }

    /** The CSV is streamed to disk under the upload limit (refused at once when its Content-Length is over it). */
    private void upload(Context ctx) throws IOException {
        long limit = config.maxUploadBytes();
        try (InputStream in = ctx.bodyInputStream()) {
            if (ctx.contentLength() > limit) {
                drainBounded(in);
                throw ApiException.tooLarge(ctx.contentLength(), limit);
            }
            try {
                ctx.status(201).json(uploads.csv(ctx.queryParam("device"), ctx.queryParam("space"), in, limit));
            } catch (ApiException e) {
                // a refusal mid-body (413, a bad device) reaches most clients only once the rest is read (drainBounded)
                drainBounded(in);
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- predictions

    public record PredictRequest(List<String> archs, List<String> devices, Double level) {}

    /** The body is an ONNX model (Content-Type application/octet-stream or application/onnx) or, otherwise, JSON architectures. */
    private void predict(Context ctx) throws IOException {
        if (ModelUploads.isModel(ctx.contentType())) predictModel(ctx);
        else predictArchs(ctx);
    }

    /**
     * The .onnx file's latency on the devices {@code device=NAME} names (repeatable; none: every device with a kernel
     * model), each checked before the upload is read (404 naming {@code device}); {@code input=NAME=SHAPE} and
     * {@code name} as for {@code /api/models/describe}.
     */
    private void predictModel(Context ctx) throws IOException {
        requireAdmin(ctx);
        List<String> asked = ctx.queryParams("device").stream().distinct().toList();
        List<KernelModels.Loaded> devices = asked.isEmpty() ? kernelModels.all() : kernelModels.load(asked);
        try (InputStream body = ctx.bodyInputStream()) {
            ctx.json(modelPredictions.predict(ctx.queryParam("name"), body, ctx.contentLength(), ctx.queryParams("input"), devices));
        }
    }

    private void predictArchs(Context ctx) {
        PredictRequest r = HaloServer.body(json, body(ctx), PredictRequest.class);
        if (r.archs() == null || r.archs().isEmpty()) throw ApiException.badInput("archs", "give at least one architecture in 'archs'");
        if (r.archs().size() > config.maxArchs())
            throw ApiException.badInput("archs", r.archs().size() + " architectures; one request may ask for at most " + config.maxArchs());
        double level = r.level() == null ? 0.8 : r.level();
        if (!(level > 0 && level < 1)) throw ApiException.badInput("level", "level must be in (0, 1), got " + level);
        List<Device> devices = new ArrayList<>();
        if (r.devices() == null || r.devices().isEmpty()) {
            for (Device d : repo.devices()) if (profiles.newest(d).isPresent()) devices.add(d);
            if (devices.isEmpty()) throw ApiException.notFound("devices", "no device has a profile yet");
        } else {
            for (String n : r.devices())
                devices.add(profiles.deviceForPrediction(n).orElseThrow(() -> ApiException.notFound("devices", "no device called '" + n + "'")));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Device d : devices) {
            Profiles.DevicePredictions p = profiles.predict(d, r.archs(), level);
            List<Map<String, Object>> rows = new ArrayList<>(r.archs().size());
            for (int i = 0; i < r.archs().size(); i++) {
                Prediction x = p.predictions().get(i);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("arch", r.archs().get(i));
                row.put("ms", x.ms());
                row.put("lowerMs", x.lowerMs());
                row.put("upperMs", x.upperMs());
                rows.add(row);
            }
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("device", d.name());
            dm.put("profile", p.profile());
            dm.put("method", p.method());
            dm.put("space", p.space());
            dm.put("predictions", rows);
            out.add(dm);
        }
        ctx.json(Map.of("level", level, "devices", out));
    }

    // ---------------------------------------------------------------- jobs

    private void startOnboard(Context ctx) {
        OnboardJob.Request r = HaloServer.body(json, body(ctx), OnboardJob.Request.class);
        // the plan is checked now (400 before queueing), and rebuilt with the job's id for its folder
        onboard.plan(r, "check");
        accepted(ctx, jobs.submit("onboard", r, l -> onboard.run(onboard.plan(r, l.id()), l)));
    }

    private void startSearch(Context ctx) {
        SearchJob.Request r = HaloServer.body(json, body(ctx), SearchJob.Request.class);
        SearchJob.Prepared p = search.prepare(r);
        accepted(ctx, jobs.submit("search", r, l -> search.run(p, l)));
    }

    private void accepted(Context ctx, String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("state", "queued");
        m.put("poll", "/api/jobs/" + id);
        m.put("events", "/api/jobs/" + id + "/events");
        ctx.status(202).json(m);
    }

    private Job jobParam(String id) {
        return repo.job(id).orElseThrow(() -> ApiException.notFound("id", "no job with id '" + id + "'"));
    }

    private void job(Context ctx) throws IOException {
        ctx.json(jobJson(jobParam(ctx.pathParam("id"))));
    }

    private Map<String, Object> jobJson(Job j) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("kind", j.kind());
        m.put("state", j.state().name());
        m.put("stage", j.stage());
        m.put("done", j.done());
        m.put("total", j.total());
        m.put("message", j.message());
        m.put("error", j.error());
        m.put("request", json.readTree(j.request()));
        m.put("result", j.result() == null ? null : json.readTree(j.result()));
        m.put("created", j.created());
        m.put("updated", j.updated());
        m.put("interruptions", j.interruptions());
        return m;
    }

    private void cancel(Context ctx) throws IOException {
        Job j = jobParam(ctx.pathParam("id"));
        if (j.state().finished()) throw new ApiException(409, "id", "job " + j.id() + " already " + j.state());
        jobs.cancel(j.id());
        ctx.status(202).json(Map.of("id", j.id(), "cancelling", true));
    }

    /** Server-sent events: the job's state now, then every progress, phase and state event until it ends. */
    private void events(SseClient client) {
        String id = client.ctx().pathParam("id");
        Optional<Job> j = repo.job(id);
        if (j.isEmpty()) {
            client.sendEvent("error", HaloServer.mapper().valueToTree(Map.of("error", "no job with id '" + id + "'", "field", "id")).toString());
            client.close();
            return;
        }
        client.keepAlive();
        streams.add(client);
        client.onClose(() -> streams.remove(client));
        // the job's thread and this one both send: one event at a time per client
        Runnable unsubscribe = jobs.subscribe(id, e -> {
            synchronized (client) {
                if (client.terminated()) return;
                client.sendEvent(e.type(), write(e.data()));
                if (e.type().equals("state") && !"running".equals(e.data().get("state"))) client.close();
            }
        });
        if (unsubscribe != null) client.onClose(unsubscribe);
        // the state after subscribing: a job that ended in between is still reported, and ends the stream
        Job now = repo.job(id).orElseThrow();
        Map<String, Object> state = new HashMap<>();
        state.put("state", now.state().name());
        state.put("done", now.done());
        state.put("total", now.total());
        if (now.error() != null) state.put("error", now.error());
        synchronized (client) {
            if (client.terminated()) return;
            client.sendEvent("state", write(state));
            if (now.state().finished() || unsubscribe == null) client.close();
        }
    }

    // ---------------------------------------------------------------- models

    /**
     * The body is the .onnx file itself (at most --max-model-mb, streamed to disk); {@code name} (shown only),
     * {@code input=NAME=SHAPE} and {@code device=NAME} (both repeatable) are query parameters. Each device must have a
     * kernel model (404 naming {@code device} before the upload is read).
     */
    private void describeModel(Context ctx) throws IOException {
        List<KernelModels.Loaded> devices = kernelModels.load(ctx.queryParams("device").stream().distinct().toList());
        try (InputStream body = ctx.bodyInputStream()) {
            ctx.json(models.describe(ctx.queryParam("name"), body, ctx.contentLength(), ctx.queryParams("input"), devices));
        }
    }

    // ---------------------------------------------------------------- farm (docs/farm.md)

    private void registerAgent(Context ctx) {
        ctx.status(201).json(farm.register(HaloServer.body(json, body(ctx, Farm.MAX_RESULT_BYTES), Farm.RegisterRequest.class)));
    }

    private void lease(Context ctx, Repository.Agent agent) throws InterruptedException {
        long id = longPath(ctx, "id");
        int max = intParam(ctx, "max", 1, 1, 100);
        int waitS = intParam(ctx, "wait", 0, 0, 600);
        ctx.json(farm.lease(agent, id, max, waitS * 1000L));
    }

    private void heartbeat(Context ctx, Repository.Agent agent) {
        long id = longPath(ctx, "id");
        ctx.json(farm.heartbeat(agent, id, HaloServer.body(json, body(ctx, Farm.MAX_RESULT_BYTES), Farm.HeartbeatRequest.class)));
    }

    private void result(Context ctx, Repository.Agent agent) {
        long id = longPath(ctx, "id");
        Farm.Outcome o = farm.result(agent, id, HaloServer.body(json, body(ctx, Farm.MAX_RESULT_BYTES), Farm.ResultRequest.class));
        ctx.status(o.status()).json(o.body());
    }

    private void farmMeasure(Context ctx) {
        ctx.status(201).json(farm.enqueue(HaloServer.body(json, body(ctx), Farm.MeasureRequest.class)));
    }

    private void exportJob(Context ctx) {
        ctx.status(201).json(farm.exportJob(HaloServer.body(json, body(ctx, Farm.MAX_RESULT_BYTES), Farm.ExportRequest.class)));
    }

    private void importResults(Context ctx) {
        ctx.json(farm.importResults(HaloServer.body(json, body(ctx), Farm.ResultFile.class)));
    }

    /** An onboarding measured by a device's agents, as a job (docs/farm.md); its plan is checked before anything is queued. */
    private void farmOnboard(Context ctx) {
        FarmOnboarding.Request r = HaloServer.body(json, body(ctx), FarmOnboarding.Request.class);
        farmOnboarding.plan(r, "check");
        accepted(ctx, jobs.submit(FarmOnboarding.KIND, r, farmOnboarding.work(r)));
    }

    /**
     * ONNX model files that agents measure (docs/farm.md): stored and read back with the server's token, fetched by an
     * agent only for a task it holds.
     */
    private void farmModelRoutes(RoutesConfig r) {
        r.put("/api/farm/models/{sha256}", admin(ctx -> {
            // a body over the limit by its Content-Length is refused unread: swallow some of it first, as body() does, so that
            // the client (still sending) gets the 413 rather than a reset connection
            if (ctx.contentLength() > config.maxUploadBytes()) drainBounded(ctx.bodyInputStream());
            FarmModels.Stored s = farm.models().put(ctx.pathParam("sha256"), ctx.bodyInputStream(), ctx.contentLength());
            ctx.status(s.stored() ? 201 : 200).json(s);
        }));
        registered.put("PUT /api/farm/models/{sha256}", Access.ADMIN);
        r.get("/api/farm/models/{sha256}", admin(ctx -> modelFile(ctx, farm.models().bytes(ctx.pathParam("sha256"), "sha256"))));
        registered.put("GET /api/farm/models/{sha256}", Access.ADMIN);
        r.get("/api/tasks/{id}/model", ctx -> modelFile(ctx, farm.taskModel(agent(ctx), longPath(ctx, "id"))));
        registered.put("GET /api/tasks/{id}/model", Access.AGENT);
    }

    private static void modelFile(Context ctx, byte[] bytes) {
        ctx.contentType("application/octet-stream").result(bytes);
    }

    /** Stops the farm's background work (the lease sweeper). */
    public void close() {
        farm.close();
    }

    private void tasks(Context ctx) {
        ctx.json(farm.tasks(ctx.queryParam("state"), intParam(ctx, "limit", 1000, 1, 100_000)));
    }

    private static long longPath(Context ctx, String name) {
        try {
            return Long.parseLong(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw ApiException.badInput(name, name + " must be a number, got '" + ctx.pathParam(name) + "'");
        }
    }

    // ---------------------------------------------------------------- plumbing

    private String write(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request body, refused with 413 beyond the configured size (checked while reading, not only by Content-Length). */
    private byte[] body(Context ctx) {
        return body(ctx, config.maxUploadBytes());
    }

    private byte[] body(Context ctx, long limit) {
        try (InputStream in = ctx.bodyInputStream()) {
            if (ctx.contentLength() > limit) {
                drainBounded(in);
                throw ApiException.tooLarge(ctx.contentLength(), limit);
            }
            byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (b.length > limit) {
                drainBounded(in);
                throw ApiException.tooLarge(-1, limit);
            }
            return b;
        } catch (IOException e) {
            throw ApiException.badInput("body", "could not read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and discards what is left of a refused body, up to {@link #DRAIN_LIMIT_BYTES}. A server that answers 413
     * while the client is still sending makes many clients (java.net.http among them) see a reset connection instead of
     * the answer; a modestly oversized body is cheap to swallow, a huge one is cut off (the client then sees the reset).
     */
    static void drainBounded(InputStream in) {
        try {
            long left = DRAIN_LIMIT_BYTES;
            byte[] sink = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0) left -= n;
        } catch (IOException ignored) {
            // the refusal stands whether or not the rest of the body could be read
        }
    }

    private static final long DRAIN_LIMIT_BYTES = 4L << 20;

    /**
     * Drains what is left of the request body before a refusal is written (a 401 or 400 decided before the body was
     * read would otherwise reach many clients as a reset connection); a body already read or closed is left alone.
     */
    public static void drainBeforeRefusal(Context ctx) {
        try {
            drainBounded(ctx.req().getInputStream());
        } catch (IOException | IllegalStateException ignored) {
            // nothing left to drain, or the stream is gone: the refusal is written either way
        }
    }

    private static int intParam(Context ctx, String name, int def, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) return def;
        try {
            int i = Integer.parseInt(v.strip());
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw ApiException.badInput(name, name + " must be an integer in " + min + ".." + max + ", got '" + v + "'");
        }
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
