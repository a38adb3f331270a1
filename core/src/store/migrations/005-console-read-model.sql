-- 5: what the console shows. The latest run's ownership per account and role, the
-- people directory, consistency per run for the trend, and admin actions with the
-- overrides the next sync applies.
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
