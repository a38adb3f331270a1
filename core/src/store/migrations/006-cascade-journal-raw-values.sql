-- 6: cascades are journaled with the owner write that causes them, so a run stopped
-- between the two (SIGKILL, SIGTERM) has them finished by the next run. The raw value
-- a change overwrote (or history observed) when it names no known person.
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
