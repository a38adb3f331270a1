/**
 * Ordered schema migrations; PRAGMA user_version holds how many have run. Append
 * only: a released migration is never edited.
 */
export const MIGRATIONS: string[] = [
  `
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
  `,
  // 2: baseline values spoc wrote as a fallback stand-in (never a decision source).
  'ALTER TABLE baselines ADD COLUMN stand_in INTEGER NOT NULL DEFAULT 0;',
  // 3: journal lookups by batch (results) and by open intent stay indexed as the
  // journal grows; heartbeats let a long run on another host keep its lock past the TTL.
  `
  DROP INDEX intents_open;
  CREATE INDEX intents_by_batch ON intents(batch_id, record_id, role);
  CREATE INDEX intents_pending ON intents(run_id) WHERE outcome IS NULL;
  ALTER TABLE lock ADD COLUMN heartbeat_at TEXT;
  ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
  CREATE INDEX runs_running ON runs(status) WHERE status = 'running';
  `,
  // 4: the owner decided for the role when the entry was recorded.
  'ALTER TABLE baselines ADD COLUMN decided TEXT;',
  // 5: what the console shows. The latest run's ownership per account and role, the
  // people directory, consistency per run for the trend, and admin actions with the
  // overrides the next sync applies.
  `
  CREATE TABLE account_roles (
    account TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    decided TEXT,
    detail TEXT,
    hubspot_id TEXT,
    hubspot_owner TEXT,
    salesforce_id TEXT,
    salesforce_owner TEXT,
    zendesk_id TEXT,
    zendesk_owner TEXT,
    run_id TEXT NOT NULL,
    PRIMARY KEY (account, role)
  ) WITHOUT ROWID;
  CREATE INDEX account_roles_by_status ON account_roles(status, role);
  CREATE INDEX account_roles_by_decided ON account_roles(decided);
  CREATE INDEX account_roles_by_name ON account_roles(name COLLATE NOCASE, account, role);
  CREATE TABLE people (
    email TEXT PRIMARY KEY,
    name TEXT,
    systems TEXT NOT NULL,
    records TEXT NOT NULL,
    decided_for INTEGER NOT NULL DEFAULT 0,
    holds INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE TABLE consistency (
    run_id TEXT NOT NULL REFERENCES runs(id),
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (run_id, role, status)
  ) WITHOUT ROWID;
  CREATE TABLE actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE TABLE overrides (
    action_id INTEGER NOT NULL REFERENCES actions(id),
    account TEXT NOT NULL,
    role TEXT NOT NULL,
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    open_tickets INTEGER NOT NULL,
    outcome TEXT,
    run_id TEXT,
    PRIMARY KEY (action_id, account, role)
  ) WITHOUT ROWID;
  CREATE INDEX overrides_pending ON overrides(account, role) WHERE outcome IS NULL;
  CREATE INDEX overrides_by_account ON overrides(account);
  CREATE TABLE people_cache (
    system TEXT PRIMARY KEY,
    read_at TEXT NOT NULL,
    records TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 6: cascades are journaled with the owner write that causes them, so a run stopped
  // between the two (SIGKILL, SIGTERM) has them finished by the next run. The raw value
  // a change overwrote (or history observed) when it names no known person.
  `
  CREATE TABLE cascade_intents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    intent_id INTEGER NOT NULL REFERENCES intents(id),
    kind TEXT NOT NULL,
    from_id TEXT,
    to_id TEXT NOT NULL,
    outcome TEXT
  );
  CREATE INDEX cascade_intents_open ON cascade_intents(intent_id) WHERE outcome IS NULL;
  ALTER TABLE changes ADD COLUMN from_value TEXT;
  ALTER TABLE ownership ADD COLUMN value TEXT;
  `,
];
