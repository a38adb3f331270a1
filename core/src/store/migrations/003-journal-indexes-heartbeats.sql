-- 3: journal lookups by batch (results) and by open intent stay indexed as the
-- journal grows; heartbeats let a long run on another host keep its lock past the TTL.
DROP INDEX intents_open;
CREATE INDEX intents_by_batch ON intents(batch_id, record_id, role);
CREATE INDEX intents_pending ON intents(run_id) WHERE outcome IS NULL;
ALTER TABLE lock ADD COLUMN heartbeat_at TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
