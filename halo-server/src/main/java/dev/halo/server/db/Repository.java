package dev.halo.server.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the server reads and writes, in plain JDBC whose SQL runs unchanged on SQLite and PostgreSQL. Each write
 * method is one transaction: a crash leaves it either fully stored or not at all.
 */
public final class Repository {
    private final Database db;
    /** SQLite has one writer at a time; serialising writes here avoids its busy errors on lock upgrades. */
    private final ReentrantLock sqliteWriter = new ReentrantLock();
    /** Profiles stored through this repository so far: what a cache of "a device's newest profile" is checked against. */
    private final AtomicLong profileWrites = new AtomicLong();

    public Repository(Database db) {
        this.db = db;
    }

    public Database database() {
        return db;
    }

    // ---------------------------------------------------------------- devices

    public record Device(long id, String name, String fingerprintId, String fingerprint, String label, String created, String firstSeen) {}

    /** The device called {@code name}, created without a fingerprint on first use (e.g. by a CSV upload). */
    public long deviceId(String name) {
        return write(c -> deviceId(c, name, null, null, null));
    }

    /** The device called {@code name} with its fingerprint; a device first created without one gets it now. */
    public long device(String name, String fingerprintId, String fingerprintJson, String label) {
        return write(c -> deviceId(c, name, fingerprintId, fingerprintJson, label));
    }

    /** As {@link #device(String, String, String, String)}, also keeping when the device was first seen elsewhere (e.g. a measurement store), if unset. */
    public long device(String name, String fingerprintId, String fingerprintJson, String label, String firstSeen) {
        return write(c -> {
            long id = deviceId(c, name, fingerprintId, fingerprintJson, label);
            try (PreparedStatement up = c.prepareStatement("UPDATE devices SET first_seen = ? WHERE id = ? AND first_seen IS NULL")) {
                up.setString(1, firstSeen);
                up.setLong(2, id);
                up.executeUpdate();
            }
            return id;
        });
    }

    private static long deviceId(Connection c, String name, String fingerprintId, String fingerprint, String label) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("""
                INSERT INTO devices (name, fingerprint_id, fingerprint, label, created) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (name) DO NOTHING""")) {
            ins.setString(1, name);
            ins.setString(2, fingerprintId);
            ins.setString(3, fingerprint);
            ins.setString(4, label);
            ins.setString(5, now());
            ins.executeUpdate();
        }
        if (fingerprintId != null) {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE devices SET fingerprint_id = ?, fingerprint = ?, label = ? WHERE name = ? AND fingerprint_id IS NULL")) {
                up.setString(1, fingerprintId);
                up.setString(2, fingerprint);
                up.setString(3, label);
                up.setString(4, name);
                up.executeUpdate();
            }
        }
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM devices WHERE name = ?")) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public List<Device> devices() {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT id, name, fingerprint_id, fingerprint, label, created, first_seen FROM devices ORDER BY id")) {
                return list(q, Repository::device);
            }
        });
    }

    public Optional<Device> device(long id) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT id, name, fingerprint_id, fingerprint, label, created, first_seen FROM devices WHERE id = ?")) {
                q.setLong(1, id);
                return list(q, Repository::device).stream().findFirst();
            }
        });
    }

    public Optional<Device> deviceByName(String name) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT id, name, fingerprint_id, fingerprint, label, created, first_seen FROM devices WHERE name = ?")) {
                q.setString(1, name);
                return list(q, Repository::device).stream().findFirst();
            }
        });
    }

    private static Device device(ResultSet rs) throws SQLException {
        return new Device(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7));
    }

    // ---------------------------------------------------------------- measurements

    /** One measurement to store: a latency ({@code medianMs} set, {@code failure} null) or a failure; stats may be null when unknown. */
    public record NewMeasurement(String space, String arch, int round, Integer runs, Double minMs, Double medianMs, Double p90Ms, Double meanMs,
                                 Double cv, Double robustCv, Double medianRelCi, String failure, String settings, String startedAt, String measuredAt) {
        /** A latency known only as one number (e.g. from an uploaded CSV). */
        public static NewMeasurement latency(String space, String arch, int round, double ms, String measuredAt) {
            return new NewMeasurement(space, arch, round, null, null, ms, null, null, null, null, null, null, null, null, measuredAt);
        }
    }

    public record Measurement(long id, String device, String space, String arch, int round, Integer runs, Double minMs, Double medianMs,
                              Double p90Ms, Double meanMs, Double cv, Double robustCv, Double medianRelCi, String failure, String settings, String source,
                              String startedAt, String measuredAt) {}

    /** How many rows a batch added, and how many it skipped because that (device, arch, round) was stored already. */
    public record Stored(int inserted, int skipped) {}

    /** Stores the batch in one transaction; rows already stored (same device, architecture and round) are skipped, never duplicated. */
    public Stored addMeasurements(long deviceId, String source, List<NewMeasurement> rows) {
        return write(c -> {
            int inserted = insertMeasurements(c, deviceId, source, rows);
            return new Stored(inserted, rows.size() - inserted);
        });
    }

    private static int insertMeasurements(Connection c, long deviceId, String source, List<NewMeasurement> rows) throws SQLException {
        int inserted = 0;
        try (PreparedStatement ins = c.prepareStatement("""
                INSERT INTO measurements (device_id, model_id, round, runs, min_ms, median_ms, p90_ms, mean_ms, cv, failure, settings,
                  source, measured_at, created, robust_cv, median_rel_ci, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (device_id, model_id, round) DO NOTHING""")) {
            for (NewMeasurement m : rows) {
                ins.setLong(1, deviceId);
                ins.setLong(2, modelId(c, "arch", m.space(), m.arch()));
                ins.setInt(3, m.round());
                setInt(ins, 4, m.runs());
                setDouble(ins, 5, m.minMs());
                setDouble(ins, 6, m.medianMs());
                setDouble(ins, 7, m.p90Ms());
                setDouble(ins, 8, m.meanMs());
                setDouble(ins, 9, m.cv());
                ins.setString(10, m.failure());
                ins.setString(11, m.settings());
                ins.setString(12, source);
                ins.setString(13, m.measuredAt());
                ins.setString(14, now());
                setDouble(ins, 15, m.robustCv());
                setDouble(ins, 16, m.medianRelCi());
                ins.setString(17, m.startedAt());
                inserted += ins.executeUpdate();
            }
        }
        return inserted;
    }

    /** A device's measurements (of {@code space}, or all when null), by architecture then round, at most {@code limit}. */
    public List<Measurement> measurements(long deviceId, String space, int limit) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT m.id, d.name, a.space, a.name, m.round, m.runs, m.min_ms, m.median_ms, m.p90_ms, m.mean_ms, m.cv, m.failure,
                           m.settings, m.source, m.measured_at, m.robust_cv, m.median_rel_ci, m.started_at
                    FROM measurements m JOIN devices d ON d.id = m.device_id JOIN models a ON a.id = m.model_id
                    WHERE m.device_id = ?""" + (space == null ? "" : " AND a.space = ?") + " ORDER BY a.space, a.name, m.round LIMIT ?")) {
                int i = 1;
                q.setLong(i++, deviceId);
                if (space != null) q.setString(i++, space);
                q.setInt(i, limit);
                return list(q, rs -> new Measurement(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                        integer(rs, 6), dbl(rs, 7), dbl(rs, 8), dbl(rs, 9), dbl(rs, 10), dbl(rs, 11), dbl(rs, 16), dbl(rs, 17),
                        rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(18), rs.getString(15)));
            }
        });
    }

    public long countMeasurements() {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT COUNT(*) FROM measurements"); ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    // ---------------------------------------------------------------- profiles and predictions

    public record Profile(long id, long deviceId, String space, String method, String content, String validation, String source, String created) {}

    public long addProfile(long deviceId, String space, String method, String content, String validation, String source) {
        long id = write(c -> insertProfile(c, deviceId, space, method, content, validation, source));
        profileWrites.incrementAndGet();
        return id;
    }

    /**
     * How many profiles this repository has stored since it was made, counted after each commit. Profiles are only
     * ever added (never changed or deleted), and only by the server through this class, so a device's newest profile
     * read while this count was N is still its newest while the count is N.
     */
    public long profileWrites() {
        return profileWrites.get();
    }

    public record NewPrediction(String arch, double ms, double lowerMs, double upperMs) {}

    /** A profile and the predictions it made, in one transaction (an onboarding's result is stored whole or not at all). */
    public long addProfile(long deviceId, String space, String method, String content, String validation, String source, List<NewPrediction> predictions) {
        long stored = write(c -> {
            long id = insertProfile(c, deviceId, space, method, content, validation, source);
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO predictions (profile_id, model_id, ms, lower_ms, upper_ms, created) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, model_id) DO NOTHING")) {
                for (NewPrediction p : predictions) {
                    ins.setLong(1, id);
                    ins.setLong(2, modelId(c, "arch", space, p.arch()));
                    ins.setDouble(3, p.ms());
                    setDouble(ins, 4, Double.isFinite(p.lowerMs()) ? p.lowerMs() : null);
                    setDouble(ins, 5, Double.isFinite(p.upperMs()) ? p.upperMs() : null);
                    ins.setString(6, now());
                    ins.executeUpdate();
                }
            }
            return id;
        });
        profileWrites.incrementAndGet();
        return stored;
    }

    private static long insertProfile(Connection c, long deviceId, String space, String method, String content, String validation, String source)
            throws SQLException {
        try (PreparedStatement ins = c.prepareStatement("""
                INSERT INTO profiles (device_id, space, method, content, validation, source, created) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
            ins.setLong(1, deviceId);
            ins.setString(2, space);
            ins.setString(3, method);
            ins.setString(4, content);
            ins.setString(5, validation);
            ins.setString(6, source);
            ins.setString(7, now());
            try (ResultSet rs = ins.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The device's newest profile. */
    public Optional<Profile> latestProfile(long deviceId) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT id, device_id, space, method, content, validation, source, created FROM profiles
                    WHERE device_id = ? ORDER BY id DESC LIMIT 1""")) {
                q.setLong(1, deviceId);
                return list(q, rs -> new Profile(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8))).stream().findFirst();
            }
        });
    }

    public record StoredPrediction(String arch, double ms, Double lowerMs, Double upperMs) {}

    public List<StoredPrediction> predictions(long profileId) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT a.name, p.ms, p.lower_ms, p.upper_ms FROM predictions p JOIN models a ON a.id = p.model_id
                    WHERE p.profile_id = ? ORDER BY a.name""")) {
                q.setLong(1, profileId);
                return list(q, rs -> new StoredPrediction(rs.getString(1), rs.getDouble(2), dbl(rs, 3), dbl(rs, 4)));
            }
        });
    }

    // ---------------------------------------------------------------- kernel models (issue 16)

    /** A device's kernel latency model: what {@code describe} and {@code modelDevice} say of it, its size; {@code json} only when asked for. */
    public record KernelModel(long deviceId, String device, String json, String describe, String modelDevice, long bytes, String storedAt) {}

    /**
     * Stores the device's kernel model (the device is created by name on first use), replacing the one it had; true
     * when it replaced one.
     */
    public boolean putKernelModel(String deviceName, String json, String describe, String modelDevice) {
        return write(c -> {
            long id = deviceId(c, deviceName, null, null, null);
            boolean had;
            try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM kernel_models WHERE device_id = ?" + forUpdate())) {
                q.setLong(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    had = rs.next();
                }
            }
            try (PreparedStatement up = c.prepareStatement("""
                    INSERT INTO kernel_models (device_id, json, describe, model_device, bytes, stored_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (device_id) DO UPDATE SET json = excluded.json, describe = excluded.describe, model_device = excluded.model_device,
                    bytes = excluded.bytes, stored_at = excluded.stored_at""")) {
                up.setLong(1, id);
                up.setString(2, json);
                up.setString(3, describe);
                up.setString(4, modelDevice);
                up.setLong(5, json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
                up.setString(6, now());
                up.executeUpdate();
            }
            return had;
        });
    }

    /** The kernel model of the device called {@code deviceName}, with its JSON. */
    public Optional<KernelModel> kernelModel(String deviceName) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT k.device_id, d.name, k.json, k.describe, k.model_device, k.bytes, k.stored_at FROM kernel_models k
                    JOIN devices d ON d.id = k.device_id WHERE d.name = ?""")) {
                q.setString(1, deviceName);
                return list(q, Repository::kernelModel).stream().findFirst();
            }
        });
    }

    /** Every stored kernel model without its JSON (the device list shows which devices have one), by device id. */
    public java.util.Map<Long, KernelModel> kernelModels() {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("""
                    SELECT k.device_id, d.name, NULL, k.describe, k.model_device, k.bytes, k.stored_at FROM kernel_models k
                    JOIN devices d ON d.id = k.device_id ORDER BY d.id""")) {
                java.util.Map<Long, KernelModel> out = new java.util.LinkedHashMap<>();
                for (KernelModel k : list(q, Repository::kernelModel)) out.put(k.deviceId(), k);
                return out;
            }
        });
    }

    private static KernelModel kernelModel(ResultSet rs) throws SQLException {
        return new KernelModel(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6), rs.getString(7));
    }

    // ---------------------------------------------------------------- jobs

    public enum JobState {
        queued, running, succeeded, failed, cancelled;

        public boolean finished() {
            return this == succeeded || this == failed || this == cancelled;
        }
    }

    /** A job as stored; {@code interruptions}: how many times a server stopped while it ran (see {@link #takeOverUnfinishedJobs}). */
    public record Job(String id, String kind, JobState state, String request, String stage, long done, long total, String message, String error,
                      String result, String created, String updated, int interruptions) {}

    private static final String JOB_COLUMNS = "id, kind, state, request, stage, done, total, message, error, result, created, updated, interruptions";

    public void addJob(String id, String kind, String requestJson) {
        write(c -> {
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO jobs (id, kind, state, request, created, updated) VALUES (?, ?, ?, ?, ?, ?)")) {
                String t = now();
                ins.setString(1, id);
                ins.setString(2, kind);
                ins.setString(3, JobState.queued.name());
                ins.setString(4, requestJson);
                ins.setString(5, t);
                ins.setString(6, t);
                return ins.executeUpdate();
            }
        });
    }

    /** Moves an unfinished job to {@code state} (a finished one keeps its state); true if it moved. */
    public boolean setJobState(String id, JobState state) {
        return write(c -> {
            try (PreparedStatement up = c.prepareStatement("UPDATE jobs SET state = ?, updated = ? WHERE id = ? AND state IN ('queued', 'running')")) {
                up.setString(1, state.name());
                up.setString(2, now());
                up.setString(3, id);
                return up.executeUpdate() == 1;
            }
        });
    }

    public void jobProgress(String id, String stage, long done, long total, String message) {
        write(c -> {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE jobs SET stage = ?, done = ?, total = ?, message = ?, updated = ? WHERE id = ? AND state = 'running'")) {
                up.setString(1, stage);
                up.setLong(2, done);
                up.setLong(3, total);
                up.setString(4, message);
                up.setString(5, now());
                up.setString(6, id);
                return up.executeUpdate();
            }
        });
    }

    /** Ends an unfinished job with its outcome; true if it was unfinished. */
    public boolean finishJob(String id, JobState state, String error, String resultJson) {
        if (!state.finished()) throw new IllegalArgumentException(state + " is not a final state");
        return write(c -> {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE jobs SET state = ?, error = ?, result = ?, updated = ? WHERE id = ? AND state IN ('queued', 'running')")) {
                up.setString(1, state.name());
                up.setString(2, error);
                up.setString(3, resultJson);
                up.setString(4, now());
                up.setString(5, id);
                return up.executeUpdate() == 1;
            }
        });
    }

    /**
     * Takes over the jobs a server that stopped (or was killed) left queued or running, oldest first: one that was running
     * counts one more interruption; one that reaches {@code maxInterruptions} fails with {@code giveUpReason}; the others
     * go back to queued (their progress kept) for this server to run again. Returns them as they are now.
     */
    public List<Job> takeOverUnfinishedJobs(int maxInterruptions, String giveUpReason) {
        return write(c -> {
            List<Job> left;
            try (PreparedStatement q = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM jobs WHERE state IN ('queued', 'running') ORDER BY created")) {
                left = list(q, Repository::job);
            }
            List<Job> now = new ArrayList<>();
            try (PreparedStatement up = c.prepareStatement("UPDATE jobs SET state = ?, error = ?, interruptions = ?, updated = ? WHERE id = ?")) {
                String t = now();
                for (Job j : left) {
                    int interruptions = j.interruptions() + (j.state() == JobState.running ? 1 : 0);
                    boolean giveUp = interruptions >= maxInterruptions;
                    JobState state = giveUp ? JobState.failed : JobState.queued;
                    String error = giveUp ? giveUpReason : null;
                    up.setString(1, state.name());
                    up.setString(2, error);
                    up.setInt(3, interruptions);
                    up.setString(4, t);
                    up.setString(5, j.id());
                    up.executeUpdate();
                    now.add(new Job(j.id(), j.kind(), state, j.request(), j.stage(), j.done(), j.total(), j.message(), error, j.result(), j.created(), t,
                            interruptions));
                }
            }
            return now;
        });
    }

    public Optional<Job> job(String id) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?")) {
                q.setString(1, id);
                return list(q, Repository::job).stream().findFirst();
            }
        });
    }

    private static Job job(ResultSet rs) throws SQLException {
        return new Job(rs.getString(1), rs.getString(2), JobState.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5), rs.getLong(6),
                rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getInt(13));
    }


    // ---------------------------------------------------------------- farm: agents and measurement tasks

    /**
     * What an agent measures: intra-op thread counts and batch sizes (a null list offers any value: an agent that
     * declared nothing takes every architecture task of its device), and whether it measures uploaded ONNX model files
     * ({@code models}; null is false: an agent must say so, since one that cannot, like the PyTorch agent, would only fail them).
     */
    public record Offer(List<Integer> threads, List<Integer> batch, Boolean models) {
        public static final Offer ANY = new Offer(null, null, false);

        /** Unmodifiable copies that keep null entries, so that a request's bad entry can be named by the check ({@code offers.threads[1]}). */
        public Offer {
            threads = threads == null ? null : Collections.unmodifiableList(new ArrayList<>(threads));
            batch = batch == null ? null : Collections.unmodifiableList(new ArrayList<>(batch));
            models = Boolean.TRUE.equals(models);
        }
    }

    public record Agent(long id, String name, long deviceId, String fingerprintId, String fingerprint, Offer offer, String created, String lastSeen) {}

    private static final String AGENT_COLUMNS = "id, name, device_id, fingerprint_id, fingerprint, offer_threads, offer_batch, offer_models, created, last_seen";

    private static Agent agent(ResultSet rs) throws SQLException {
        return new Agent(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                new Offer(ints(rs.getString(6)), ints(rs.getString(7)), rs.getInt(8) == 1), rs.getString(9), rs.getString(10));
    }

    /** A stored offer list ("1,2"; null for any) as integers. */
    private static List<Integer> ints(String csv) {
        if (csv == null) return null;
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) out.add(Integer.parseInt(s.strip()));
        return out;
    }

    private static String csv(List<Integer> v) {
        return v == null ? null : String.join(",", v.stream().map(String::valueOf).toList());
    }

    /**
     * Registers an agent measuring as device {@code deviceName} (created on first use, taking the agent's fingerprint if
     * it has none). {@code tokenHash} is the hash of the agent's secret (null for an agent that never calls in: an
     * offline export's); the secret itself is not stored.
     */
    public Agent registerAgent(String name, String deviceName, String fingerprintId, String fingerprintJson, String label, String tokenHash, Offer offer) {
        return write(c -> {
            long device = deviceId(c, deviceName, fingerprintId, fingerprintJson, label);
            String t = now();
            long id;
            try (PreparedStatement ins = c.prepareStatement("""
                    INSERT INTO agents (name, device_id, fingerprint_id, fingerprint, token_hash, offer_threads, offer_batch, offer_models, created, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""")) {
                ins.setString(1, name);
                ins.setLong(2, device);
                ins.setString(3, fingerprintId);
                ins.setString(4, fingerprintJson);
                ins.setString(5, tokenHash);
                ins.setString(6, csv(offer.threads()));
                ins.setString(7, csv(offer.batch()));
                ins.setInt(8, offer.models() ? 1 : 0);
                ins.setString(9, t);
                ins.setString(10, t);
                try (ResultSet rs = ins.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            return new Agent(id, name, device, fingerprintId, fingerprintJson, offer, t, t);
        });
    }

    public Optional<Agent> agent(long id) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + AGENT_COLUMNS + " FROM agents WHERE id = ?")) {
                q.setLong(1, id);
                return list(q, Repository::agent).stream().findFirst();
            }
        });
    }

    /** The agent whose secret hashes to {@code tokenHash}, if any. */
    public Optional<Agent> agentByTokenHash(String tokenHash) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + AGENT_COLUMNS + " FROM agents WHERE token_hash = ?")) {
                q.setString(1, tokenHash);
                return list(q, Repository::agent).stream().findFirst();
            }
        });
    }

    /** Sets the fingerprint of an agent that had none (an offline export's, once its results come back); its device takes it too if it has none. */
    public void agentFingerprint(long agentId, String fingerprintId, String fingerprintJson, String label) {
        write(c -> {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE agents SET fingerprint_id = ?, fingerprint = ?, last_seen = ? WHERE id = ? AND fingerprint_id IS NULL")) {
                up.setString(1, fingerprintId);
                up.setString(2, fingerprintJson);
                up.setString(3, now());
                up.setLong(4, agentId);
                up.executeUpdate();
            }
            try (PreparedStatement up = c.prepareStatement("""
                    UPDATE devices SET fingerprint_id = ?, fingerprint = ?, label = ?
                    WHERE id = (SELECT device_id FROM agents WHERE id = ?) AND fingerprint_id IS NULL""")) {
                up.setString(1, fingerprintId);
                up.setString(2, fingerprintJson);
                up.setString(3, label);
                up.setLong(4, agentId);
                up.executeUpdate();
            }
            return null;
        });
    }

    public enum TaskState { queued, leased, done, parked }

    public record NewTask(String space, String arch, int round) {}

    /**
     * A queued measurement. For a model task ({@code modelSha256} set) {@code space} is {@code onnx-model}, {@code arch}
     * the model's identity, and {@code modelInputs} the JSON of the input shapes it is fed; both are null for an architecture.
     */
    public record Task(long id, long deviceId, String space, String arch, int round, String settings, Integer threads, Integer batch, TaskState state,
                       Long leaseOwner, String leaseToken, Long leaseDeadline, int attempts, String lastError, String created, String updated,
                       String modelSha256, String modelInputs, String result) {}

    private static final String TASK_COLUMNS = "id, device_id, space, arch, round, settings, threads, batch, state, lease_owner, lease_token, lease_deadline, "
            + "attempts, last_error, created, updated, model_sha256, model_inputs, result";

    private static Task task(ResultSet rs) throws SQLException {
        return new Task(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6), integer(rs, 7), integer(rs, 8),
                TaskState.valueOf(rs.getString(9)), longOrNull(rs, 10), rs.getString(11), longOrNull(rs, 12), rs.getInt(13), rs.getString(14), rs.getString(15),
                rs.getString(16), rs.getString(17), rs.getString(18), rs.getString(19));
    }

    /** The space of a kernel-check task (onboarding through the farm): its arch is the comma-separated list of archs to check. */
    public static final String KERNEL_CHECK_SPACE = "nb201-kernel-check";

    /** A device's tasks of {@code space}, by id (an onboarding's progress and its kernel check's result). */
    public List<Task> tasks(long deviceId, String space) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM tasks WHERE device_id = ? AND space = ? ORDER BY id")) {
                q.setLong(1, deviceId);
                q.setString(2, space);
                return list(q, Repository::task);
            }
        });
    }

    /**
     * Queues the tasks for a device in one transaction, with their settings JSON and (for matching agents' offers) its
     * threads and batch; a task already there (same device, space, arch, round) is not queued again. Returns how many were added.
     */
    public int enqueue(long deviceId, String settingsJson, int threads, int batch, List<NewTask> tasks) {
        return enqueue(deviceId, settingsJson, threads, batch, null, null, tasks);
    }

    /**
     * As {@link #enqueue(long, String, int, int, List)} for tasks that measure the stored model file {@code modelSha256}
     * ({@link #storeModel}) fed the shapes {@code modelInputs} (JSON); both null for architectures.
     */
    public int enqueue(long deviceId, String settingsJson, int threads, int batch, String modelSha256, String modelInputs, List<NewTask> tasks) {
        return write(c -> {
            int added = 0;
            String t = now();
            try (PreparedStatement ins = c.prepareStatement("""
                    INSERT INTO tasks (device_id, space, arch, round, settings, threads, batch, state, attempts, created, updated, model_sha256, model_inputs)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)
                    ON CONFLICT (device_id, space, arch, round) DO NOTHING""")) {
                for (NewTask n : tasks) {
                    ins.setLong(1, deviceId);
                    ins.setString(2, n.space());
                    ins.setString(3, n.arch());
                    ins.setInt(4, n.round());
                    ins.setString(5, settingsJson);
                    ins.setInt(6, threads);
                    ins.setInt(7, batch);
                    ins.setString(8, t);
                    ins.setString(9, t);
                    ins.setString(10, modelSha256);
                    ins.setString(11, modelInputs);
                    added += ins.executeUpdate();
                }
            }
            return added;
        });
    }

    /** The space of model tasks' rows (halo-app's {@code MeasureModel.SPACE}), and the kind of a stored model file in {@code models}. */
    private static final String MODEL_SPACE = "onnx-model", MODEL_FILE = "onnx";

    /**
     * Stores an ONNX model file once, keyed by its SHA-256 (the caller has checked both); true when it is new, false
     * when it was stored already (nothing is written then).
     */
    public boolean storeModel(String sha256, java.io.InputStream content, long bytes) {
        return write(c -> {
            try (PreparedStatement ins = c.prepareStatement("""
                    INSERT INTO models (kind, space, name, sha256, content, created) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, space, name) DO NOTHING""")) {
                ins.setString(1, MODEL_FILE);
                ins.setString(2, MODEL_SPACE);
                ins.setString(3, sha256);
                ins.setString(4, sha256);
                // streamed from the upload's file (PostgreSQL sends it on; SQLite's driver reads it once, as its one copy)
                ins.setBinaryStream(5, content, Math.toIntExact(bytes));
                ins.setString(6, now());
                return ins.executeUpdate() == 1;
            }
        });
    }

    /** The bytes of the stored model file with this SHA-256, if there is one. */
    public Optional<byte[]> model(String sha256) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT content FROM models WHERE kind = ? AND space = ? AND name = ?")) {
                q.setString(1, MODEL_FILE);
                q.setString(2, MODEL_SPACE);
                q.setString(3, sha256);
                return list(q, rs -> rs.getBytes(1)).stream().findFirst();
            }
        });
    }

    /**
     * Leases up to {@code max} queued tasks of the agent's device whose threads and batch the agent offers (model tasks only if it offers models), until
     * {@code nowMs + leaseMs}, each with a fresh lease token, in one transaction: on PostgreSQL the candidate rows are
     * locked with {@code FOR UPDATE SKIP LOCKED} (concurrent leases take different rows); on SQLite the transaction is
     * {@code BEGIN IMMEDIATE} (the database's one writer; see {@link Database}), so no two leases can read the same
     * queued row. Expired leases are returned first.
     */
    public List<Task> lease(long agentId, int max, long nowMs, long leaseMs, int maxAttempts) {
        return write(c -> {
            expire(c, nowMs, maxAttempts);
            long device;
            Offer offer;
            try (PreparedStatement q = c.prepareStatement(
                    "UPDATE agents SET last_seen = ? WHERE id = ? RETURNING device_id, offer_threads, offer_batch, offer_models")) {
                q.setString(1, now());
                q.setLong(2, agentId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) return List.<Task>of();
                    device = rs.getLong(1);
                    offer = new Offer(ints(rs.getString(2)), ints(rs.getString(3)), rs.getInt(4) == 1);
                }
            }
            List<Long> ids = new ArrayList<>();
            String lock = db.vendor() == Database.Vendor.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
            try (PreparedStatement q = c.prepareStatement("SELECT id FROM tasks WHERE state = 'queued' AND device_id = ?" + offered("threads", offer.threads())
                    + offered("batch", offer.batch()) + (offer.models() ? "" : " AND model_sha256 IS NULL AND space <> '" + KERNEL_CHECK_SPACE + "'")
                    + " ORDER BY id LIMIT ?" + lock)) {
                int i = 1;
                q.setLong(i++, device);
                for (List<Integer> values : Arrays.asList(offer.threads(), offer.batch()))
                    if (values != null) for (int v : values) q.setInt(i++, v);
                q.setInt(i, max);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) ids.add(rs.getLong(1));
                }
            }
            List<Task> out = new ArrayList<>();
            try (PreparedStatement up = c.prepareStatement("""
                    UPDATE tasks SET state = 'leased', lease_owner = ?, lease_token = ?, lease_deadline = ?, attempts = attempts + 1, updated = ?
                    WHERE id = ? AND state = 'queued'""");
                    PreparedStatement q = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?")) {
                for (long id : ids) {
                    up.setLong(1, agentId);
                    up.setString(2, UUID.randomUUID().toString());
                    up.setLong(3, nowMs + leaseMs);
                    up.setString(4, now());
                    up.setLong(5, id);
                    if (up.executeUpdate() != 1) continue;
                    q.setLong(1, id);
                    out.addAll(list(q, Repository::task));
                }
            }
            return out;
        });
    }

    /** The SQL condition that a task's {@code column} is one of the offered values ({@code values} null: any). */
    private static String offered(String column, List<Integer> values) {
        if (values == null) return "";
        return " AND (" + column + " IS NULL OR " + column + " IN (" + String.join(", ", Collections.nCopies(values.size(), "?")) + "))";
    }

    /** Returns every lease past its deadline to the queue (or parks its task after {@code maxAttempts} leases); how many. */
    public int expireLeases(long nowMs, int maxAttempts) {
        return write(c -> expire(c, nowMs, maxAttempts));
    }

    private static int expire(Connection c, long nowMs, int maxAttempts) throws SQLException {
        try (PreparedStatement up = c.prepareStatement("""
                UPDATE tasks SET state = CASE WHEN attempts >= ? THEN 'parked' ELSE 'queued' END, lease_owner = NULL, lease_token = NULL,
                  lease_deadline = NULL, last_error = ?, updated = ?
                WHERE state = 'leased' AND lease_deadline < ?""")) {
            up.setInt(1, maxAttempts);
            up.setString(2, "lease expired (no result or heartbeat in time)");
            up.setString(3, now());
            up.setLong(4, nowMs);
            return up.executeUpdate();
        }
    }

    /** Extends a lease the agent still holds to {@code nowMs + leaseMs}; false if that lease is not (any more) held by it. */
    public boolean heartbeat(long taskId, long agentId, String leaseToken, long nowMs, long leaseMs) {
        return write(c -> {
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE tasks SET lease_deadline = ?, updated = ? WHERE id = ? AND state = 'leased' AND lease_owner = ? AND lease_token = ?")) {
                up.setLong(1, nowMs + leaseMs);
                up.setString(2, now());
                up.setLong(3, taskId);
                up.setLong(4, agentId);
                up.setString(5, leaseToken);
                return up.executeUpdate() == 1;
            }
        });
    }

    /**
     * What a result upload did or would do: store it, find it stored by this very lease before (a retry), or refuse it:
     * the lease token is not the task's ({@code notHeld}), the token is right but the task is leased to another agent
     * ({@code otherAgent}), or there is no such task.
     */
    public enum Completion {
        stored, already, notHeld, otherAgent, unknown;

        public boolean accepted() {
            return this == stored || this == already;
        }
    }

    /** One result to store: the task, the agent and lease that measured it, the row's provenance and the measurement. */
    public record TaskResult(long taskId, long agentId, String leaseToken, String source, NewMeasurement measurement) {}

    /**
     * Completes a task with its measurement, in one transaction: only the agent holding the current lease can (a retried
     * upload with the lease that completed it answers {@code already} and writes nothing). The measurement row is keyed
     * by (device, arch, round) like every other, so it can never be stored twice.
     */
    public Completion complete(TaskResult r) {
        return completeAll(List.of(r)).get(0);
    }

    /**
     * Completes several tasks in one transaction, all or nothing: each result is judged first (as {@link #complete}); if
     * any is refused, nothing is written and the verdicts say which. Used for an offline agent's result file.
     */
    public List<Completion> completeAll(List<TaskResult> results) {
        return write(c -> {
            List<Completion> verdicts = new ArrayList<>();
            List<Task> tasks = new ArrayList<>();
            try (PreparedStatement q = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?" + forUpdate())) {
                for (TaskResult r : results) {
                    q.setLong(1, r.taskId());
                    Task t = list(q, Repository::task).stream().findFirst().orElse(null);
                    tasks.add(t);
                    verdicts.add(verdict(t, r));
                }
            }
            if (!verdicts.stream().allMatch(Completion::accepted)) return verdicts;
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE tasks SET state = 'done', lease_deadline = NULL, last_error = NULL, updated = ? WHERE id = ?")) {
                for (int i = 0; i < results.size(); i++) {
                    if (verdicts.get(i) != Completion.stored) continue;
                    Task task = tasks.get(i);
                    NewMeasurement m = results.get(i).measurement();
                    NewMeasurement row = new NewMeasurement(task.space(), task.arch(), task.round(), m.runs(), m.minMs(), m.medianMs(), m.p90Ms(), m.meanMs(),
                            m.cv(), m.robustCv(), m.medianRelCi(), m.failure(), m.settings(), m.startedAt(), m.measuredAt());
                    insertMeasurements(c, task.deviceId(), results.get(i).source(), List.of(row));
                    up.setString(1, now());
                    up.setLong(2, task.id());
                    up.executeUpdate();
                }
            }
            return verdicts;
        });
    }

    private static Completion verdict(Task task, TaskResult r) {
        if (task == null) return Completion.unknown;
        if (!r.leaseToken().equals(task.leaseToken())) return Completion.notHeld;
        if (task.leaseOwner() == null || task.leaseOwner() != r.agentId()) return Completion.otherAgent;
        if (task.state() == TaskState.done) return Completion.already;
        if (task.state() != TaskState.leased) return Completion.notHeld;
        return Completion.stored;
    }

    /**
     * Completes a task that is not a measurement (a kernel check) with its result JSON, in one transaction and on the
     * terms of {@link #complete}: only the current lease's holder can, and a retry with the completing lease writes nothing.
     */
    public Completion completeWithResult(long taskId, long agentId, String leaseToken, String resultJson) {
        return write(c -> {
            Task t;
            try (PreparedStatement q = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?" + forUpdate())) {
                q.setLong(1, taskId);
                t = list(q, Repository::task).stream().findFirst().orElse(null);
            }
            Completion v = verdict(t, new TaskResult(taskId, agentId, leaseToken, null, null));
            if (v != Completion.stored) return v;
            try (PreparedStatement up = c.prepareStatement(
                    "UPDATE tasks SET state = 'done', lease_deadline = NULL, last_error = NULL, result = ?, updated = ? WHERE id = ?")) {
                up.setString(1, resultJson);
                up.setString(2, now());
                up.setLong(3, taskId);
                up.executeUpdate();
            }
            return v;
        });
    }

    /** The agent holding the lease reports that measuring failed: the task is queued again, or parked after {@code maxAttempts} leases. */
    public Optional<TaskState> fail(long taskId, long agentId, String leaseToken, String reason, int maxAttempts) {
        return write(c -> {
            try (PreparedStatement up = c.prepareStatement("""
                    UPDATE tasks SET state = CASE WHEN attempts >= ? THEN 'parked' ELSE 'queued' END, lease_owner = NULL, lease_token = NULL,
                      lease_deadline = NULL, last_error = ?, updated = ?
                    WHERE id = ? AND state = 'leased' AND lease_owner = ? AND lease_token = ?""")) {
                up.setInt(1, maxAttempts);
                up.setString(2, reason);
                up.setString(3, now());
                up.setLong(4, taskId);
                up.setLong(5, agentId);
                up.setString(6, leaseToken);
                if (up.executeUpdate() != 1) return Optional.<TaskState>empty();
            }
            try (PreparedStatement q = c.prepareStatement("SELECT state FROM tasks WHERE id = ?")) {
                q.setLong(1, taskId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return Optional.of(TaskState.valueOf(rs.getString(1)));
                }
            }
        });
    }

    public Optional<Task> task(long id) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?")) {
                q.setLong(1, id);
                return list(q, Repository::task).stream().findFirst();
            }
        });
    }

    /** Tasks in {@code state} (all when null), by id, at most {@code limit}. */
    public List<Task> tasks(TaskState state, int limit) {
        return read(c -> {
            try (PreparedStatement q = c.prepareStatement("SELECT " + TASK_COLUMNS + " FROM tasks" + (state == null ? "" : " WHERE state = ?")
                    + " ORDER BY id LIMIT ?")) {
                int i = 1;
                if (state != null) q.setString(i++, state.name());
                q.setInt(i, limit);
                return list(q, Repository::task);
            }
        });
    }

    /** How many tasks are in each state (every state present, zero when none). */
    public java.util.Map<TaskState, Long> taskCounts() {
        return read(c -> {
            java.util.Map<TaskState, Long> out = new java.util.EnumMap<>(TaskState.class);
            for (TaskState s : TaskState.values()) out.put(s, 0L);
            try (PreparedStatement q = c.prepareStatement("SELECT state, COUNT(*) FROM tasks GROUP BY state"); ResultSet rs = q.executeQuery()) {
                while (rs.next()) out.put(TaskState.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return out;
        });
    }

    private String forUpdate() {
        return db.vendor() == Database.Vendor.POSTGRESQL ? " FOR UPDATE" : "";
    }

    // ---------------------------------------------------------------- plumbing

    /** The id of a model row (an architecture: kind "arch", name its canonical string), created on first use. */
    private static long modelId(Connection c, String kind, String space, String name) throws SQLException {
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO models (kind, space, name, created) VALUES (?, ?, ?, ?) ON CONFLICT (kind, space, name) DO NOTHING")) {
            ins.setString(1, kind);
            ins.setString(2, space);
            ins.setString(3, name);
            ins.setString(4, now());
            ins.executeUpdate();
        }
        try (PreparedStatement q = c.prepareStatement("SELECT id FROM models WHERE kind = ? AND space = ? AND name = ?")) {
            q.setString(1, kind);
            q.setString(2, space);
            q.setString(3, name);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    interface Sql<T> {
        T apply(Connection c) throws SQLException;
    }

    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> T read(Sql<T> work) {
        try (Connection c = db.dataSource().getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new DatabaseException(db.description() + ": " + e.getMessage(), e);
        }
    }

    private <T> T write(Sql<T> work) {
        boolean sqlite = db.vendor() == Database.Vendor.SQLITE;
        if (sqlite) sqliteWriter.lock();
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                T t = work.apply(c);
                c.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DatabaseException(db.description() + ": " + e.getMessage(), e);
        } finally {
            if (sqlite) sqliteWriter.unlock();
        }
    }

    private static <T> List<T> list(PreparedStatement q, RowMapper<T> m) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) out.add(m.map(rs));
        }
        return out;
    }

    private static Integer integer(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }

    private static Long longOrNull(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Double dbl(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) ps.setNull(i, Types.DOUBLE);
        else ps.setDouble(i, v);
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER);
        else ps.setInt(i, v);
    }

    private static String now() {
        return Instant.now().toString();
    }

    /** A database error (connection lost, constraint broken): the server answers 500 with its one-line message. */
    public static final class DatabaseException extends RuntimeException {
        DatabaseException(String message, Throwable cause) {
            super(message.lines().findFirst().orElse(message), cause);
        }
    }
}
