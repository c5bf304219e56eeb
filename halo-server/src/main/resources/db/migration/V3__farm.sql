-- the device farm (issue 17): agents on other machines lease measurement tasks from this database's queue

-- an agent process that registered: which device it measures as, and the fingerprint it reported
CREATE TABLE agents (
    id ${autoid},
    name VARCHAR(64) NOT NULL,
    device_id BIGINT NOT NULL REFERENCES devices (id),
    fingerprint_id VARCHAR(64),
    fingerprint TEXT,                      -- what the agent reported, as JSON
    created VARCHAR(40) NOT NULL,
    last_seen VARCHAR(40) NOT NULL
);

-- one measurement to make: a device (any agent registered as it may take it) x architecture x round with settings
CREATE TABLE tasks (
    id ${autoid},
    device_id BIGINT NOT NULL REFERENCES devices (id),
    space VARCHAR(32) NOT NULL,
    arch TEXT NOT NULL,
    round INTEGER NOT NULL,
    settings TEXT NOT NULL,                -- the farm settings JSON the agent must measure with
    state VARCHAR(8) NOT NULL,             -- queued, leased, done, parked
    lease_owner BIGINT REFERENCES agents (id),
    lease_token VARCHAR(40),               -- secret of the current (or, when done, the completing) lease
    lease_deadline BIGINT,                 -- epoch milliseconds; a leased task past it returns to the queue
    attempts INTEGER NOT NULL DEFAULT 0,   -- leases handed out so far
    last_error TEXT,
    created VARCHAR(40) NOT NULL,
    updated VARCHAR(40) NOT NULL,
    UNIQUE (device_id, space, arch, round)
);

CREATE INDEX tasks_queue ON tasks (state, device_id, id);
