-- 2 (SQLite's 11): the keys each mirrored record links by (rule index and key, as
-- `<rule>:<key>`), so an incremental sync finds the records linked to what it read without
-- loading the mirror. Filled by the next run that writes the mirror.
CREATE TABLE link_keys (
  link_key TEXT COLLATE "C" NOT NULL,
  system TEXT COLLATE "C" NOT NULL,
  record_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (link_key, system, record_id)
);
CREATE INDEX link_keys_by_record ON link_keys(system, record_id);
