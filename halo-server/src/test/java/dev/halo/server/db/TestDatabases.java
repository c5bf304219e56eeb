package dev.halo.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * The backends every repository test runs against: a fresh SQLite file; a fresh database on one embedded PostgreSQL
 * server (zonky's real server binary from Maven, started once per test JVM, stopped at exit); and a fresh database on
 * the external PostgreSQL server that {@value #EXTERNAL_POSTGRES} names, when it is set (the tests of that backend are
 * skipped, with a line on stderr saying so, when it is not). docs/server.md says how to run them.
 */
public final class TestDatabases {
    private TestDatabases() {}

    /**
     * The environment variable with the external server's URL, as {@code halo serve --db} takes it
     * ({@code postgresql://host:5432/postgres?user=…&password=…}); its user needs the right to create databases.
     */
    public static final String EXTERNAL_POSTGRES = "HALO_TEST_POSTGRES_URL";

    public static final List<String> BACKENDS = List.of("sqlite", "postgresql", "external-postgresql");

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final AtomicBoolean SKIP_REPORTED = new AtomicBoolean();
    private static final AtomicBoolean DROP_HOOK_ADDED = new AtomicBoolean();
    /** The databases this JVM created on the external server: dropped at exit, so that test runs do not pile up there. */
    private static final List<String> EXTERNAL_CREATED = new CopyOnWriteArrayList<>();

    /** The database product behind {@code backend}, as {@code GET /api/health} names it: sqlite or postgresql. */
    public static String vendor(String backend) {
        return backend.equals("sqlite") ? "sqlite" : "postgresql";
    }

    /** A fresh, migrated database of {@code backend} (one of {@link #BACKENDS}; SQLite files go in {@code dir}). */
    public static Database open(String backend, Path dir) {
        return Database.open(url(backend, dir));
    }

    /** The --db URL of a fresh, empty database of {@code backend}; aborts the calling test (skipped) if the backend is not configured. */
    public static String url(String backend, Path dir) {
        return switch (backend) {
            case "sqlite" -> {
                try {
                    Files.createDirectories(dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                yield dir.resolve("halo-" + NEXT.incrementAndGet() + ".db").toString();
            }
            case "postgresql" -> {
                String name = "halo_test_" + NEXT.incrementAndGet();
                EmbeddedPostgres pg = postgres();
                try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + name);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                yield pg.getJdbcUrl("postgres", name);
            }
            case "external-postgresql" -> externalDatabase();
            default -> throw new IllegalArgumentException(backend);
        };
    }

    /** A new database on the server {@value #EXTERNAL_POSTGRES} names, as a JDBC URL with the variable's user and options. */
    private static String externalDatabase() {
        String given = System.getenv(EXTERNAL_POSTGRES);
        if (given == null || given.isBlank()) {
            String why = EXTERNAL_POSTGRES + " is not set: the tests against an external PostgreSQL server are skipped (docs/server.md)";
            if (!SKIP_REPORTED.getAndSet(true)) System.err.println("WARNING: " + why);
            Assumptions.abort(why);
        }
        String admin = Database.postgresJdbcUrl(given.strip());
        // the pid keeps two test JVMs on one server apart
        String name = "halo_test_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(EXTERNAL_POSTGRES + ": cannot create a test database on " + admin.replaceAll("password=[^&]*", "password=***")
                    + " (" + e.getMessage() + ")", e);
        }
        if (!DROP_HOOK_ADDED.getAndSet(true)) Runtime.getRuntime().addShutdownHook(new Thread(() -> dropExternal(admin)));
        EXTERNAL_CREATED.add(name);
        return withDatabase(admin, name);
    }

    /** {@code jdbc:postgresql://host:port/db?options} with {@code db} replaced. */
    static String withDatabase(String jdbcUrl, String database) {
        int hostStart = jdbcUrl.indexOf("//") + 2;
        int query = jdbcUrl.indexOf('?', hostStart);
        String head = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        String options = query < 0 ? "" : jdbcUrl.substring(query);
        int slash = head.indexOf('/', hostStart);
        return (slash < 0 ? head : head.substring(0, slash)) + "/" + database + options;
    }

    private static void dropExternal(String admin) {
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            for (String name : EXTERNAL_CREATED) s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("WARNING: could not drop the test databases " + EXTERNAL_CREATED + " on the external PostgreSQL server: " + e.getMessage());
        }
    }

    private static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("embedded PostgreSQL did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return postgres;
    }
}
