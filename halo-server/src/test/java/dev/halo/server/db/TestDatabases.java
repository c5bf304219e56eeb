package dev.halo.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The two backends every repository test runs against: a fresh SQLite file, and a fresh database on one embedded
 * PostgreSQL server (zonky's real server binary from Maven, started once per test JVM, stopped at exit).
 */
public final class TestDatabases {
    private TestDatabases() {}

    public static final List<String> BACKENDS = List.of("sqlite", "postgresql");

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger NEXT = new AtomicInteger();

    /** A fresh, migrated database of {@code backend} ("sqlite" in {@code dir}, or "postgresql"). */
    public static Database open(String backend, Path dir) {
        return Database.open(url(backend, dir));
    }

    /** The --db URL of a fresh, empty database of {@code backend}. */
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
            default -> throw new IllegalArgumentException(backend);
        };
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
