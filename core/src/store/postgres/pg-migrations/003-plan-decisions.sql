-- 3 (SQLite's 12): what a sync over a large book keeps in the store instead of in memory: the
-- decisions of the plan it is carrying out (one row per account), the records already in a
-- planned part, and on each mirrored record the mark of the full read that last returned it.
-- plan_decisions and planned_records are scratch: emptied when a sync plans and once recorded.
CREATE TABLE plan_decisions (
  account TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  decision TEXT NOT NULL
);
CREATE TABLE planned_records (
  system TEXT COLLATE "C" NOT NULL,
  record_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (system, record_id)
);
ALTER TABLE accounts ADD COLUMN read_mark TEXT;
