-- 4: the owner decided for the role when the entry was recorded.
ALTER TABLE baselines ADD COLUMN decided TEXT;
