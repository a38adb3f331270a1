CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  full INTEGER NOT NULL,
  counts TEXT,
  error TEXT,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL
);
CREATE TABLE changes (
  run_id TEXT NOT NULL REFERENCES runs(id),
  account TEXT NOT NULL,
  account_name TEXT NOT NULL,
  role TEXT NOT NULL,
  system TEXT NOT NULL,
  record_id TEXT NOT NULL,
  from_email TEXT,
  to_email TEXT NOT NULL,
  reason TEXT NOT NULL,
  result TEXT NOT NULL,
  error TEXT,
  at TEXT NOT NULL
);
CREATE INDEX changes_by_run ON changes(run_id);
CREATE INDEX changes_by_account ON changes(account);
CREATE TABLE baselines (
  system TEXT NOT NULL,
  record_id TEXT NOT NULL,
  role TEXT NOT NULL,
  value TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (system, record_id, role)
) WITHOUT ROWID;
CREATE TABLE cursors (
  system TEXT NOT NULL,
  kind TEXT NOT NULL,
  cursor TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (system, kind)
) WITHOUT ROWID;
CREATE TABLE accounts (
  system TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  modified_at TEXT,
  record TEXT NOT NULL,
  PRIMARY KEY (system, id)
) WITHOUT ROWID;
CREATE TABLE ownership (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  account TEXT NOT NULL,
  role TEXT NOT NULL,
  system TEXT NOT NULL,
  record_id TEXT NOT NULL,
  email TEXT,
  run_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX ownership_by_key ON ownership(account, role, system, seq);
CREATE INDEX ownership_by_record ON ownership(record_id);
CREATE TABLE lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  run_id TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  since TEXT NOT NULL
);
CREATE TABLE intents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  batch_id INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  system TEXT NOT NULL,
  record_id TEXT NOT NULL,
  role TEXT NOT NULL,
  to_email TEXT NOT NULL,
  to_value TEXT NOT NULL,
  from_email TEXT,
  outcome TEXT
);
CREATE INDEX intents_open ON intents(outcome, batch_id);
CREATE TABLE reports (
  run_id TEXT PRIMARY KEY REFERENCES runs(id),
  report TEXT NOT NULL
);
