-- 12: what a sync over a large book keeps in the store instead of in memory (issue 22):
-- the decisions of the plan it is carrying out, one row per account, written as each part of
-- the book is planned, for the record phase to walk a page at a time; the records already in
-- a planned part, so the walk of the mirror skips them; and on each mirrored record, the mark
-- of the full read that last returned it, so what that read did not return is found in SQL.
-- plan_decisions and planned_records are scratch: emptied when a sync plans and once recorded.
CREATE TABLE plan_decisions (
  account TEXT NOT NULL PRIMARY KEY,
  decision TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE planned_records (
  system TEXT NOT NULL,
  record_id TEXT NOT NULL,
  PRIMARY KEY (system, record_id)
) WITHOUT ROWID;
ALTER TABLE accounts ADD COLUMN read_mark TEXT;
