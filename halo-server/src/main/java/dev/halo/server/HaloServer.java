package dev.halo.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.halo.BadInputException;
import dev.halo.server.api.Api;
import dev.halo.server.api.ApiException;
import dev.halo.server.db.Database;
import dev.halo.server.db.Repository;
import dev.halo.server.jobs.Jobs;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code halo serve}: the REST API and the web UI in one process over one database. Handlers only do I/O (see
 * {@link Api}); the work is halo-app's use cases. Binds to loopback unless told otherwise; every write needs the token.
 */
public final class HaloServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("halo.server");

    private final ServerConfig config;
    private final Database db;
    private final Jobs jobs;
    private final Api api;
    private final Javalin app;

    private HaloServer(ServerConfig config, Database db) {
        this.config = config;
        this.db = db;
        ObjectMapper json = mapper();
        Repository repo = new Repository(db);
        this.jobs = new Jobs(repo, json, config.queueCapacity(), java.util.Set.of(dev.halo.server.farm.FarmOnboarding.KIND));
        this.api = new Api(config, repo, jobs, json);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.http.maxRequestSize = config.maxUploadBytes();
            // a request whose I/O stalls this long is dropped (slow clients cannot hold threads forever)
            cfg.jetty.modifyHttpConfiguration(hc -> hc.setIdleTimeout(config.idleTimeoutMs()));
            cfg.jetty.modifyServer(server -> {
                for (org.eclipse.jetty.server.Connector c : server.getConnectors())
                    if (c instanceof org.eclipse.jetty.server.AbstractConnector ac) ac.setIdleTimeout(config.idleTimeoutMs());
            });
            cfg.staticFiles.enableWebjars();
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/";
                sf.directory = "/web";
                sf.location = Location.CLASSPATH;
            });
            api.routes(cfg.routes);
            // the pages are static files; the model page also answers at the short address the docs give
            cfg.routes.get("/models", ctx -> ctx.redirect("/models.html"));
            cfg.routes.exception(ApiException.class, (e, ctx) -> {
                Api.drainBeforeRefusal(ctx);
                ctx.status(e.status()).json(problem(e.getMessage(), e.field()));
            });
            cfg.routes.exception(BadInputException.class, (e, ctx) -> {
                Api.drainBeforeRefusal(ctx);
                ctx.status(400).json(problem(e.getMessage(), null));
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.log(System.Logger.Level.ERROR, "internal error on " + ctx.method() + " " + ctx.path(), e);
                String m = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
                ctx.status(500).json(problem("internal error: " + e.getClass().getSimpleName() + m, null));
            });
            cfg.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (ctx.path().startsWith("/api/") && (type == null || !type.startsWith("application/json")))
                    ctx.json(problem("no such endpoint: " + ctx.method() + " " + ctx.path() + " (see /api/openapi.json)", null));
            });
        });
    }

    /** Opens the database (migrating it) and builds the server (not started); building it queues again the jobs a previous run left unfinished (see {@link Jobs#resumeUnfinished}). */
    public static HaloServer create(ServerConfig config) {
        try {
            Files.createDirectories(config.dataDir());
        } catch (IOException e) {
            throw new BadInputException("--data " + config.dataDir() + ": cannot create the folder (" + e.getMessage() + ")");
        }
        Database db = Database.open(config.db());
        try {
            return new HaloServer(config, db);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public HaloServer start() {
        app.start(config.host(), config.port());
        return this;
    }

    /** The port it listens on (after {@link #start}). */
    public int port() {
        return app.port();
    }

    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    public String database() {
        return db.description();
    }

    /** Every route of the API as "METHOD /path" with who may call it (what the OpenAPI test checks against the document). */
    public Map<String, Api.Access> routes() {
        return api.registered();
    }

    @Override
    public void close() {
        jobs.shutdown(10);
        api.close();
        app.stop();
        db.close();
    }

    /** A random token for a server started without one. */
    public static String generateToken() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static Map<String, Object> problem(String message, String field) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message == null ? "error" : message.lines().findFirst().orElse(message));
        m.put("field", field);
        return m;
    }

    /** JSON as the API writes it: NaN and infinities (e.g. an undefined Spearman) become null, unknown fields are refused. */
    public static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        SimpleModule finite = new SimpleModule("finite-doubles");
        JsonSerializer<Double> d = new JsonSerializer<>() {
            @Override
            public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                if (v == null || v.isNaN() || v.isInfinite()) g.writeNull();
                else g.writeNumber(v);
            }
        };
        finite.addSerializer(Double.class, d);
        finite.addSerializer(Double.TYPE, d);
        m.registerModule(finite);
        return m;
    }

    /** A JSON body as {@code type}; 400 naming the offending field when it does not fit. */
    public static <T> T body(ObjectMapper json, byte[] body, Class<T> type) {
        if (body.length == 0) throw ApiException.badInput("body", "the request needs a JSON body");
        try {
            return json.readValue(body, type);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
            String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            if (what.startsWith("Unrecognized field")) what = "unknown field";
            throw ApiException.badInput(field, "field '" + field + "': " + what);
        } catch (JsonProcessingException e) {
            throw ApiException.badInput("body", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
