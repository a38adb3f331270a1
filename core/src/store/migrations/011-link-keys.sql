-- 11: the keys each mirrored record links by (rule index and key, as `<rule>:<key>`), so an
-- incremental sync finds the records linked to what it read without loading the mirror.
-- Filled by the next run that writes the mirror (the cursors row '*'/'link-keys' says for
-- which link rules it was built).
CREATE TABLE link_keys (
  link_key TEXT NOT NULL,
  system TEXT NOT NULL,
  record_id TEXT NOT NULL,
  PRIMARY KEY (link_key, system, record_id)
) WITHOUT ROWID;
CREATE INDEX link_keys_by_record ON link_keys(system, record_id);
