-- 1: the state store in Postgres, one schema per tenant (search_path), the same tables as
-- SQLite's schema 10 (core/src/store/migrations, 001 to 010). Text sorts by byte (C
-- collation) as SQLite's does, whatever the database's locale. `rowid` keeps insertion
-- order where SQLite's implicit rowid did (runs started in one millisecond, the audit).
CREATE TABLE runs (
  rowid BIGSERIAL UNIQUE,
  id TEXT COLLATE "C" PRIMARY KEY,
  started_at TEXT COLLATE "C" NOT NULL,
  finished_at TEXT COLLATE "C",
  status TEXT COLLATE "C" NOT NULL,
  dry_run INTEGER NOT NULL,
  "full" INTEGER NOT NULL,
  counts TEXT,
  error TEXT,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  heartbeat_at TEXT COLLATE "C",
  duration_ms BIGINT,
  error_code TEXT,
  error_system TEXT COLLATE "C"
);
CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
CREATE INDEX runs_by_finish ON runs(finished_at) WHERE finished_at IS NOT NULL;
CREATE TABLE changes (
  rowid BIGSERIAL PRIMARY KEY,
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
  account TEXT COLLATE "C" NOT NULL,
  account_name TEXT NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  system TEXT COLLATE "C" NOT NULL,
  record_id TEXT COLLATE "C" NOT NULL,
  from_email TEXT COLLATE "C",
  from_value TEXT,
  to_email TEXT COLLATE "C" NOT NULL,
  reason TEXT NOT NULL,
  result TEXT NOT NULL,
  error TEXT,
  at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX changes_by_run ON changes(run_id);
CREATE INDEX changes_by_account ON changes(account);
CREATE TABLE baselines (
  system TEXT COLLATE "C" NOT NULL,
  record_id TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  value TEXT,
  at TEXT NOT NULL,
  stand_in INTEGER NOT NULL DEFAULT 0,
  decided TEXT,
  PRIMARY KEY (system, record_id, role)
);
CREATE TABLE cursors (
  system TEXT COLLATE "C" NOT NULL,
  kind TEXT COLLATE "C" NOT NULL,
  cursor TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (system, kind)
);
CREATE TABLE accounts (
  system TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  modified_at TEXT,
  record TEXT NOT NULL,
  PRIMARY KEY (system, id)
);
CREATE TABLE ownership (
  seq BIGSERIAL PRIMARY KEY,
  account TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  system TEXT COLLATE "C" NOT NULL,
  record_id TEXT COLLATE "C" NOT NULL,
  email TEXT COLLATE "C",
  value TEXT,
  run_id TEXT COLLATE "C" NOT NULL,
  reason TEXT NOT NULL,
  at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ownership_by_key ON ownership(account, role, system, seq);
CREATE INDEX ownership_by_record ON ownership(record_id);
CREATE TABLE lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  run_id TEXT COLLATE "C" NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  since TEXT NOT NULL,
  heartbeat_at TEXT
);
CREATE TABLE intents (
  id BIGSERIAL PRIMARY KEY,
  batch_id BIGINT NOT NULL,
  run_id TEXT COLLATE "C" NOT NULL,
  system TEXT COLLATE "C" NOT NULL,
  record_id TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  to_email TEXT NOT NULL,
  to_value TEXT NOT NULL,
  from_email TEXT,
  outcome TEXT
);
CREATE INDEX intents_by_batch ON intents(batch_id, record_id, role);
CREATE INDEX intents_pending ON intents(run_id) WHERE outcome IS NULL;
CREATE TABLE cascade_intents (
  id BIGSERIAL PRIMARY KEY,
  intent_id BIGINT NOT NULL REFERENCES intents(id),
  kind TEXT NOT NULL,
  from_id TEXT,
  to_id TEXT NOT NULL,
  outcome TEXT
);
CREATE INDEX cascade_intents_open ON cascade_intents(intent_id) WHERE outcome IS NULL;
CREATE TABLE reports (
  run_id TEXT COLLATE "C" PRIMARY KEY REFERENCES runs(id),
  report TEXT NOT NULL
);
CREATE TABLE account_roles (
  account TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  decided TEXT COLLATE "C",
  detail TEXT,
  run_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (account, role)
);
CREATE INDEX account_roles_by_status ON account_roles(status, role);
CREATE INDEX account_roles_by_decided ON account_roles(decided);
CREATE INDEX account_roles_by_name ON account_roles(lower(name), account, role);
CREATE TABLE account_role_systems (
  account TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  system TEXT COLLATE "C" NOT NULL,
  record_id TEXT COLLATE "C" NOT NULL,
  owner TEXT COLLATE "C",
  PRIMARY KEY (account, role, system)
);
CREATE INDEX account_role_systems_by_owner ON account_role_systems(owner, system);
CREATE INDEX account_role_systems_by_record ON account_role_systems(system, record_id);
CREATE TABLE people (
  email TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C",
  systems TEXT NOT NULL,
  records TEXT NOT NULL,
  decided_for INTEGER NOT NULL DEFAULT 0,
  holds INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE consistency (
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
  role TEXT COLLATE "C" NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (run_id, role, status)
);
CREATE TABLE actions (
  id BIGSERIAL PRIMARY KEY,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE TABLE overrides (
  action_id BIGINT NOT NULL REFERENCES actions(id),
  account TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  email TEXT COLLATE "C" NOT NULL,
  reason TEXT NOT NULL,
  open_tickets INTEGER NOT NULL,
  outcome TEXT,
  run_id TEXT COLLATE "C",
  PRIMARY KEY (action_id, account, role)
);
CREATE INDEX overrides_pending ON overrides(account, role) WHERE outcome IS NULL;
CREATE INDEX overrides_by_account ON overrides(account);
CREATE TABLE people_cache (
  system TEXT COLLATE "C" PRIMARY KEY,
  read_at TEXT NOT NULL,
  records TEXT NOT NULL
);
CREATE TABLE outbox (
  id BIGSERIAL PRIMARY KEY,
  key TEXT COLLATE "C" NOT NULL UNIQUE,
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
  channel TEXT COLLATE "C" NOT NULL,
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
  problem TEXT COLLATE "C" NOT NULL,
  system TEXT COLLATE "C" NOT NULL DEFAULT '',
  raised_by TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
  raised_at TEXT NOT NULL,
  message TEXT NOT NULL,
  PRIMARY KEY (problem, system)
);
CREATE TABLE run_calls (
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
  system TEXT COLLATE "C" NOT NULL,
  calls INTEGER NOT NULL,
  retries INTEGER NOT NULL,
  throttled INTEGER NOT NULL,
  daily_used BIGINT,
  daily_limit BIGINT,
  PRIMARY KEY (run_id, system)
);
CREATE TABLE run_changes (
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs(id),
  system TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  result TEXT COLLATE "C" NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (run_id, system, role, result)
);
