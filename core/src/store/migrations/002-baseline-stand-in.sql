-- 2: baseline values spoc wrote as a fallback stand-in (never a decision source).
ALTER TABLE baselines ADD COLUMN stand_in INTEGER NOT NULL DEFAULT 0;
