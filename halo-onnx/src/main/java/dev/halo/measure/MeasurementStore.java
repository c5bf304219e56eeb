package dev.halo.measure;

import dev.halo.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The SQLite file that holds what halo measured: devices (fingerprint + provenance), architectures (space +
 * canonical string) and one row per (device, architecture, round) with the statistics or the failure.
 *
 * <p>Every write is one transaction and the database runs in WAL mode with full sync, so a process killed at any
 * instant leaves either the whole row or none of it; the unique key on (device, architecture, round) makes a
 * restarted campaign skip what is already there instead of duplicating it.
 *
 * <p>A writer ({@link #open}) holds an OS lock on the sidecar {@code STORE.lock} (holding its pid) until it closes, so
 * a second halo process that would measure into the same store at the same time (sharing the cores, racing for the
 * same rows) is refused at once; readers ({@link #openForReading}) take no lock. A file that is some other program's
 * SQLite database is refused before anything is written to it.
 *
 * <p>Schema 2 adds a nullable {@code flag} to each measurement: why the row is implausible (see {@link Plausibility});
 * rows flagged as oversubscribed stay in the store but are left out of {@link #latencies}. Version-1 stores are
 * upgraded in place when opened.
 */
public final class MeasurementStore implements AutoCloseable {
    private static final int SCHEMA_VERSION = 2;
    /** SQLite application_id of halo stores: "HALO". Stores made before it was set have 0. */
    static final int APPLICATION_ID = 0x48414c4f;
    private static final Set<String> TABLES = Set.of("devices", "architectures", "measurements");

    private final Connection db;
    private final Path path;
    private final StoreLock lock;

    private MeasurementStore(Path path, Connection db, StoreLock lock) {
        this.path = path;
        this.db = db;
        this.lock = lock;
    }

    /** Opens an existing store to read it, without the writer's lock (a running measurement may hold that). */
    public static MeasurementStore openForReading(Path path) {
        if (!Files.isRegularFile(path)) throw new BadInputException("store " + path + ": no such file");
        return open(path, false);
    }

    /** Opens (creating if needed) the store at {@code path}; an unusable path is a {@link BadInputException}. */
    public static MeasurementStore open(Path path) {
        return open(path, true);
    }

    private static MeasurementStore open(Path path, boolean write) {
        Path parent = path.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent))
            throw new BadInputException("store " + path + ": directory " + parent + " does not exist");
        if (Files.exists(path) ? !Files.isWritable(path) : !Files.isWritable(parent))
            throw new BadInputException("store " + path + ": not writable");
        StoreLock lock = write ? StoreLock.acquire(path) : null;
        Connection db = null;
        try {
            db = DriverManager.getConnection("jdbc:sqlite:" + path.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
            }
            requireHaloOrEmpty(path, db); // before anything is written: someone else's database stays as it was
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
                s.execute("PRAGMA foreign_keys = ON");
            }
            MeasurementStore store = new MeasurementStore(path, db, lock);
            store.migrate();
            return store;
        } catch (SQLException | RuntimeException e) {
            try {
                if (db != null) db.close();
            } catch (SQLException ignored) {
                // already failing
            }
            if (lock != null) lock.close();
            if (e instanceof SQLException sql) throw new BadInputException("store " + path + ": " + firstLine(sql), sql);
            throw (RuntimeException) e;
        }
    }

    /** Refuses a database that is neither empty nor a halo store (by application_id, user_version and tables). */
    private static void requireHaloOrEmpty(Path path, Connection db) throws SQLException {
        int appId = pragma(db, "application_id");
        int version = pragma(db, "user_version");
        List<String> tables = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        if (appId == 0 && version == 0 && tables.isEmpty()) return; // new or empty
        boolean halo = (appId == 0 || appId == APPLICATION_ID) && version >= 1 && tables.containsAll(TABLES);
        if (!halo)
            throw new BadInputException("store " + path + ": an SQLite database that is not a halo measurement store (application_id "
                    + appId + ", user_version " + version + ", tables " + (tables.isEmpty() ? "none" : String.join(" ", tables.subList(0, Math.min(8, tables.size()))))
                    + "); left unchanged; give another --store");
    }

    private static int pragma(Connection db, String name) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private void migrate() throws SQLException {
        int version;
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.getInt(1);
        }
        if (version == SCHEMA_VERSION) {
            createModelTable();
            return;
        }
        if (version != 0 && version != 1)
            throw new BadInputException("store " + path + ": schema version " + version + ", this halo reads versions 1 to " + SCHEMA_VERSION);
        if (version == 1) {
            inTransaction(() -> {
                try (Statement s = db.createStatement()) {
                    s.execute("ALTER TABLE measurements ADD COLUMN flag TEXT");
                    s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
                }
                return null;
            });
            createModelTable();
            return;
        }
        inTransaction(() -> {
            try (Statement s = db.createStatement()) {
                s.execute("""
                        CREATE TABLE IF NOT EXISTS devices (
                          id INTEGER PRIMARY KEY,
                          fingerprint TEXT NOT NULL UNIQUE,
                          label TEXT NOT NULL,
                          provenance TEXT NOT NULL,
                          created_at TEXT NOT NULL)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS architectures (
                          id INTEGER PRIMARY KEY,
                          space TEXT NOT NULL,
                          canonical TEXT NOT NULL,
                          UNIQUE (space, canonical))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS measurements (
                          id INTEGER PRIMARY KEY,
                          device_id INTEGER NOT NULL REFERENCES devices(id),
                          arch_id INTEGER NOT NULL REFERENCES architectures(id),
                          round INTEGER NOT NULL,
                          settings TEXT NOT NULL,
                          runs INTEGER, min_ms REAL, median_ms REAL, p90_ms REAL, mean_ms REAL, cv REAL, robust_cv REAL, median_rel_ci REAL,
                          failure TEXT,
                          flag TEXT,
                          started_at TEXT NOT NULL,
                          finished_at TEXT NOT NULL,
                          UNIQUE (device_id, arch_id, round),
                          CHECK ((failure IS NULL) = (median_ms IS NOT NULL)))""");
                s.execute("PRAGMA user_version = " + SCHEMA_VERSION);
                s.execute("PRAGMA application_id = " + APPLICATION_ID);
            }
            return null;
        });
        createModelTable();
    }

    /**
     * The exported file behind an architecture whose bytes are not a fixed function of its canonical string alone
     * (generated zoo models: the weight seed and halo's exporter also shape them). Added as a table of its own,
     * created on open (also on stores of schema 1 and 2 made before it): readers that do not know it ignore it.
     */
    private void createModelTable() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS models (
                      space TEXT NOT NULL,
                      canonical TEXT NOT NULL,
                      sha256 TEXT NOT NULL,
                      params INTEGER NOT NULL,
                      macs INTEGER NOT NULL,
                      PRIMARY KEY (space, canonical))""");
        }
    }

    /** What {@link #recordModel} stored about one exported model. */
    public record ModelRow(String sha256, long params, long macs) {}

    /**
     * Remembers the SHA-256 of the model file measured for (space, canonical), or checks it: returns the row stored
     * first, so a caller sees when the same canonical string now exports to different bytes.
     */
    public ModelRow recordModel(String space, String canonical, ModelRow model) {
        return inTransaction(() -> {
            try (PreparedStatement ins = db.prepareStatement(
                    "INSERT OR IGNORE INTO models (space, canonical, sha256, params, macs) VALUES (?, ?, ?, ?, ?)")) {
                ins.setString(1, space);
                ins.setString(2, canonical);
                ins.setString(3, model.sha256());
                ins.setLong(4, model.params());
                ins.setLong(5, model.macs());
                ins.executeUpdate();
            }
            return models(space, canonical).get(canonical);
        });
    }

    /** Every stored model of {@code space}, keyed by canonical string. */
    public Map<String, ModelRow> models(String space) {
        return models(space, null);
    }

    private Map<String, ModelRow> models(String space, String only) {
        Map<String, ModelRow> out = new LinkedHashMap<>();
        query("SELECT canonical, sha256, params, macs FROM models WHERE space = ? AND (? IS NULL OR canonical = ?) ORDER BY canonical", ps -> {
            ps.setString(1, space);
            ps.setString(2, only);
            ps.setString(3, only);
        }, rs -> out.put(rs.getString(1), new ModelRow(rs.getString(2), rs.getLong(3), rs.getLong(4))));
        return out;
    }

    /** The id of the device row for {@code fingerprint}, inserting it on first use. */
    public long device(DeviceFingerprint fingerprint) {
        return inTransaction(() -> {
            try (PreparedStatement ins = db.prepareStatement(
                    "INSERT OR IGNORE INTO devices (fingerprint, label, provenance, created_at) VALUES (?, ?, ?, ?)")) {
                ins.setString(1, fingerprint.id());
                ins.setString(2, fingerprint.label());
                ins.setString(3, fingerprint.toJson());
                ins.setString(4, Instant.now().toString());
                ins.executeUpdate();
            }
            try (PreparedStatement q = db.prepareStatement("SELECT id FROM devices WHERE fingerprint = ?")) {
                q.setString(1, fingerprint.id());
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** For each architecture of {@code space} measured on the device: the rounds already stored. */
    public Map<String, Set<Integer>> roundsDone(long deviceId, String space) {
        Map<String, Set<Integer>> done = new HashMap<>();
        query("""
                SELECT a.canonical, m.round FROM measurements m JOIN architectures a ON a.id = m.arch_id
                WHERE m.device_id = ? AND a.space = ?""", ps -> {
            ps.setLong(1, deviceId);
            ps.setString(2, space);
        }, rs -> done.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getInt(2)));
        return done;
    }

    /**
     * Stores one outcome in a single transaction. Returns false (and changes nothing) if the store already holds
     * this (device, architecture, round).
     */
    public boolean record(long deviceId, String space, String canonical, int round, String settingsJson,
            Outcome outcome, Instant startedAt, Instant finishedAt) {
        return inTransaction(() -> {
            long archId;
            try (PreparedStatement ins = db.prepareStatement("INSERT OR IGNORE INTO architectures (space, canonical) VALUES (?, ?)")) {
                ins.setString(1, space);
                ins.setString(2, canonical);
                ins.executeUpdate();
            }
            try (PreparedStatement q = db.prepareStatement("SELECT id FROM architectures WHERE space = ? AND canonical = ?")) {
                q.setString(1, space);
                q.setString(2, canonical);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    archId = rs.getLong(1);
                }
            }
            try (PreparedStatement ins = db.prepareStatement("""
                    INSERT OR IGNORE INTO measurements (device_id, arch_id, round, settings, runs, min_ms, median_ms, p90_ms,
                      mean_ms, cv, robust_cv, median_rel_ci, failure, started_at, finished_at, flag)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ins.setLong(1, deviceId);
                ins.setLong(2, archId);
                ins.setInt(3, round);
                ins.setString(4, settingsJson);
                switch (outcome) {
                    case Outcome.Measured m -> {
                        LatencyStats s = m.stats();
                        ins.setInt(5, s.runs());
                        ins.setDouble(6, s.minMs());
                        ins.setDouble(7, s.medianMs());
                        ins.setDouble(8, s.p90Ms());
                        ins.setDouble(9, s.meanMs());
                        ins.setDouble(10, s.cv());
                        ins.setDouble(11, s.robustCv());
                        if (Double.isFinite(s.medianRelCi())) ins.setDouble(12, s.medianRelCi());
                        else ins.setNull(12, java.sql.Types.REAL);
                        ins.setNull(13, java.sql.Types.VARCHAR);
                    }
                    case Outcome.Failed f -> {
                        for (int i = 5; i <= 12; i++) ins.setNull(i, java.sql.Types.REAL);
                        ins.setString(13, f.reason());
                    }
                }
                ins.setString(14, startedAt.toString());
                ins.setString(15, finishedAt.toString());
                String flag = Plausibility.flag(outcome, settingsJson);
                if (flag == null) ins.setNull(16, java.sql.Types.VARCHAR);
                else ins.setString(16, flag);
                return ins.executeUpdate() == 1;
            }
        });
    }

    /** One stored row, as the CSV export and the benchmarks read it. */
    public record Row(String canonical, int round, Outcome outcome, String finishedAt, String flag) {
        public Row(String canonical, int round, Outcome outcome, String finishedAt) {
            this(canonical, round, outcome, finishedAt, null);
        }

        /** Whether the row was stored with a {@link Plausibility} flag. */
        public boolean flagged() {
            return flag != null;
        }

        /** Whether the row may serve as a latency: not measured with more threads than the machine has processors. */
        public boolean usable() {
            return flag == null || !flag.contains(Plausibility.OVERSUBSCRIBED);
        }
    }

    /** Every row of {@code space} on the device, ordered by architecture then round. */
    public List<Row> rows(long deviceId, String space) {
        List<Row> rows = new ArrayList<>();
        query("""
                SELECT a.canonical, m.round, m.runs, m.min_ms, m.median_ms, m.p90_ms, m.mean_ms, m.cv, m.robust_cv,
                       m.median_rel_ci, m.failure, m.finished_at, m.flag
                FROM measurements m JOIN architectures a ON a.id = m.arch_id
                WHERE m.device_id = ? AND a.space = ? ORDER BY a.canonical, m.round""", ps -> {
            ps.setLong(1, deviceId);
            ps.setString(2, space);
        }, rs -> {
            String failure = rs.getString(11);
            Outcome outcome;
            if (failure != null) {
                outcome = new Outcome.Failed(failure);
            } else {
                double ci = rs.getDouble(10);
                if (rs.wasNull()) ci = Double.POSITIVE_INFINITY;
                outcome = new Outcome.Measured(new LatencyStats(rs.getInt(3), rs.getDouble(4), rs.getDouble(5),
                        rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), ci));
            }
            rows.add(new Row(rs.getString(1), rs.getInt(2), outcome, rs.getString(12), rs.getString(13)));
        });
        return rows;
    }

    /** One stored measurement with every column: what a lossless copy (e.g. into the server's database) needs. */
    public record StoredRow(String space, String canonical, int round, String settingsJson, Outcome outcome, String startedAt, String finishedAt) {}

    /** Every measurement of the device in every space, ordered by space, architecture and round. */
    public List<StoredRow> allRows(long deviceId) {
        List<StoredRow> rows = new ArrayList<>();
        query("""
                SELECT a.space, a.canonical, m.round, m.settings, m.runs, m.min_ms, m.median_ms, m.p90_ms, m.mean_ms, m.cv, m.robust_cv,
                       m.median_rel_ci, m.failure, m.started_at, m.finished_at
                FROM measurements m JOIN architectures a ON a.id = m.arch_id
                WHERE m.device_id = ? ORDER BY a.space, a.canonical, m.round""", ps -> ps.setLong(1, deviceId), rs -> {
            String failure = rs.getString(13);
            Outcome outcome;
            if (failure != null) {
                outcome = new Outcome.Failed(failure);
            } else {
                double ci = rs.getDouble(12);
                if (rs.wasNull()) ci = Double.POSITIVE_INFINITY; // stored as NULL when not finite, as record() writes it
                outcome = new Outcome.Measured(new LatencyStats(rs.getInt(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9),
                        rs.getDouble(10), rs.getDouble(11), ci));
            }
            rows.add(new StoredRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), outcome, rs.getString(14), rs.getString(15)));
        });
        return rows;
    }

    /** A device row: what {@link #device} stored. */
    public record DeviceRow(long id, String fingerprint, String label, String provenanceJson, String createdAt) {}

    /** Every device in the store, oldest first. */
    public List<DeviceRow> devices() {
        List<DeviceRow> out = new ArrayList<>();
        query("SELECT id, fingerprint, label, provenance, created_at FROM devices ORDER BY id", ps -> {},
                rs -> out.add(new DeviceRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))));
        return out;
    }

    /**
     * The latency of every architecture of {@code space} measured on the device: the median over its successful
     * rounds of {@code statistic} (e.g. {@code LatencyStats::medianMs}), in ms, keyed by canonical string. This is
     * the form predictors and device onboarding consume.
     */
    public Map<String, Double> latencies(long deviceId, String space, ToDoubleFunction<LatencyStats> statistic) {
        return latencies(rows(deviceId, space), statistic);
    }

    /**
     * {@link #latencies(long, String, ToDoubleFunction)} of rows read elsewhere (e.g. a halo server's farm measurements),
     * so that every consumer reduces rounds to one latency the same way.
     */
    public static Map<String, Double> latencies(List<Row> rows, ToDoubleFunction<LatencyStats> statistic) {
        Map<String, List<Double>> perArch = new TreeMap<>();
        for (Row r : rows)
            if (r.outcome() instanceof Outcome.Measured m && r.usable())
                perArch.computeIfAbsent(r.canonical(), k -> new ArrayList<>()).add(statistic.applyAsDouble(m.stats()));
        Map<String, Double> out = new LinkedHashMap<>();
        perArch.forEach((arch, v) -> {
            double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            int n = s.length;
            out.put(arch, n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]));
        });
        return out;
    }

    /** Number of measurement rows (all devices). */
    public long count() {
        long[] n = new long[1];
        query("SELECT COUNT(*) FROM measurements", ps -> {}, rs -> n[0] = rs.getLong(1));
        return n[0];
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            throw new IllegalStateException("closing store " + path + ": " + firstLine(e), e);
        } finally {
            if (lock != null) lock.close();
        }
    }

    // ---- plumbing ----

    private interface SqlWork<T> {
        T run() throws SQLException;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    private synchronized <T> T inTransaction(SqlWork<T> work) {
        try {
            db.setAutoCommit(false);
            try {
                T result = work.run();
                db.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("store " + path + ": " + firstLine(e), e);
        }
    }

    private synchronized void query(String sql, Binder binder, RowReader reader) {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) reader.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("store " + path + ": " + firstLine(e), e);
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
