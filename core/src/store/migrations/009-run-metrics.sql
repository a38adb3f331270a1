-- 9: what each run cost and tallied, for /metrics and /readyz (issue 23): how long it
-- took, the error that failed it (its code, and the system it came from when it said),
-- the vendor calls per system, and its changes counted per system, role and result as its
-- report gave them (a refused plan's changes too, which the audit does not keep).
-- Older runs: the duration from their start and end (not for an interrupted run, whose
-- end is when it was found dead), the tallies from the audit; their calls were not kept.
ALTER TABLE runs ADD COLUMN duration_ms INTEGER;
ALTER TABLE runs ADD COLUMN error_code TEXT;
ALTER TABLE runs ADD COLUMN error_system TEXT;
CREATE TABLE run_calls (
  run_id TEXT NOT NULL REFERENCES runs(id),
  system TEXT NOT NULL,
  calls INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  throttled INTEGER NOT NULL,
  PRIMARY KEY (run_id, system)
) WITHOUT ROWID;
CREATE TABLE run_changes (
  run_id TEXT NOT NULL REFERENCES runs(id),
  system TEXT NOT NULL,
  role TEXT NOT NULL,
  result TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (run_id, system, role, result)
) WITHOUT ROWID;
CREATE INDEX runs_by_finish ON runs(finished_at) WHERE finished_at IS NOT NULL;
UPDATE runs
SET duration_ms = CAST(ROUND((julianday(finished_at) - julianday(started_at)) * 86400000) AS INTEGER)
WHERE finished_at IS NOT NULL AND status != 'running' AND NOT (status = 'failed' AND error IS 'interrupted');
INSERT INTO run_changes (run_id, system, role, result, count)
SELECT run_id, system, role, result, COUNT(*) FROM changes GROUP BY run_id, system, role, result;
