-- 8: handover notices and run alerts (issue 20). The outbox holds every notice to deliver,
-- one row per destination, its key unique so a re-run or a re-delivery never queues one
-- twice; alerts holds the run problems currently raised, so each is told once when it
-- appears and once when it clears.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  key TEXT NOT NULL UNIQUE,
  run_id TEXT NOT NULL REFERENCES runs(id),
  channel TEXT NOT NULL,
  recipient TEXT,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL,
  attempted_at TEXT,
  sent_at TEXT
);
CREATE INDEX outbox_pending ON outbox(channel, id) WHERE state = 'pending';
CREATE INDEX outbox_by_run ON outbox(run_id, id);
CREATE TABLE alerts (
  problem TEXT NOT NULL,
  system TEXT NOT NULL DEFAULT '',
  raised_by TEXT NOT NULL REFERENCES runs(id),
  raised_at TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (problem, system)
) WITHOUT ROWID;
