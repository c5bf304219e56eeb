-- halo's server database: one schema for SQLite (embedded default) and PostgreSQL (teams).
-- ${autoid} is the vendor's auto-increment primary key; ${blob} its byte-array type. Times are ISO-8601 UTC text.

CREATE TABLE devices (
    id ${autoid},
    name VARCHAR(64) NOT NULL UNIQUE,
    fingerprint_id VARCHAR(64),            -- DeviceFingerprint.id(): CPU, cores, OS, ORT version, settings
    fingerprint TEXT,                      -- its fields as JSON
    label TEXT,
    created VARCHAR(40) NOT NULL
);

-- architectures (kind 'arch', name = canonical string of the space) and uploaded models (kind 'onnx')
CREATE TABLE models (
    id ${autoid},
    kind VARCHAR(8) NOT NULL,
    space VARCHAR(32) NOT NULL,
    name TEXT NOT NULL,
    sha256 VARCHAR(64),
    content ${blob},
    created VARCHAR(40) NOT NULL,
    UNIQUE (kind, space, name)
);

-- one row per (device, model, round): re-uploading or re-importing the same measurement changes nothing
CREATE TABLE measurements (
    id ${autoid},
    device_id BIGINT NOT NULL REFERENCES devices (id),
    model_id BIGINT NOT NULL REFERENCES models (id),
    round INTEGER NOT NULL,
    runs INTEGER,
    min_ms DOUBLE PRECISION,
    median_ms DOUBLE PRECISION,
    p90_ms DOUBLE PRECISION,
    mean_ms DOUBLE PRECISION,
    cv DOUBLE PRECISION,
    failure TEXT,                          -- null when measured
    settings TEXT,                         -- measurement settings as JSON (threads, batch, ORT options)
    source TEXT NOT NULL,                  -- provenance: upload, onboarding job, imported store
    measured_at VARCHAR(40),
    created VARCHAR(40) NOT NULL,
    UNIQUE (device_id, model_id, round),
    CHECK ((failure IS NULL) = (median_ms IS NOT NULL))
);

-- a device's fitted predictor (the adapted-model file as written by halo adapt / onboard) and how it validated
CREATE TABLE profiles (
    id ${autoid},
    device_id BIGINT NOT NULL REFERENCES devices (id),
    space VARCHAR(32) NOT NULL,
    method VARCHAR(32) NOT NULL,
    content TEXT NOT NULL,
    validation TEXT,                       -- JSON: spearman, mape, within10, coverage, ... (null: not validated)
    source TEXT NOT NULL,
    created VARCHAR(40) NOT NULL
);

-- predictions a profile made for an architecture (e.g. an onboarding's validation archs, next to their measurements)
CREATE TABLE predictions (
    id ${autoid},
    profile_id BIGINT NOT NULL REFERENCES profiles (id),
    model_id BIGINT NOT NULL REFERENCES models (id),
    ms DOUBLE PRECISION NOT NULL,
    lower_ms DOUBLE PRECISION,
    upper_ms DOUBLE PRECISION,
    created VARCHAR(40) NOT NULL,
    UNIQUE (profile_id, model_id)
);

CREATE TABLE jobs (
    id VARCHAR(36) PRIMARY KEY,
    kind VARCHAR(16) NOT NULL,
    state VARCHAR(16) NOT NULL,            -- queued, running, succeeded, failed, cancelled
    request TEXT NOT NULL,
    stage TEXT,
    done BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    message TEXT,
    error TEXT,
    result TEXT,
    created VARCHAR(40) NOT NULL,
    updated VARCHAR(40) NOT NULL
);

CREATE INDEX measurements_device ON measurements (device_id);
CREATE INDEX profiles_device ON profiles (device_id);
CREATE INDEX jobs_state ON jobs (state);
