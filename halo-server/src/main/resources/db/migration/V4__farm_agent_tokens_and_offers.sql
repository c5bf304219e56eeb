-- the device farm, second slice (issue 17): per-agent secrets, and the settings an agent offers to measure with

-- SHA-256 (hex) of the secret the agent got at registration; the secret itself is never stored.
-- Agents registered before this migration have none and must register again.
ALTER TABLE agents ADD COLUMN token_hash VARCHAR(64);
-- the intra-op thread counts and batch sizes the agent measures with, comma-separated ("1,2"); NULL: any
ALTER TABLE agents ADD COLUMN offer_threads VARCHAR(400);
ALTER TABLE agents ADD COLUMN offer_batch VARCHAR(400);
CREATE UNIQUE INDEX agents_token ON agents (token_hash);

-- a task's threads and batch (also in its settings JSON) as columns, so that a lease can match them to an agent's
-- offer in SQL. Tasks queued before this migration have NULL here and match any agent.
ALTER TABLE tasks ADD COLUMN threads INTEGER;
ALTER TABLE tasks ADD COLUMN batch INTEGER;
