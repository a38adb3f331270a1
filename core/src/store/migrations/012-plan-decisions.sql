-- 12: the decisions of the plan a sync is carrying out, one row per account, written as each
-- part of the book is planned, so the record phase walks them a chunk at a time instead of
-- holding one per account (issue 22). Scratch: emptied when a sync plans and once recorded.
CREATE TABLE plan_decisions (
  account TEXT NOT NULL PRIMARY KEY,
  decision TEXT NOT NULL
) WITHOUT ROWID;
