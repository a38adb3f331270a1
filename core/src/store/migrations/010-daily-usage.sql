-- 10: a vendor's daily API usage as a run last saw it (Salesforce's Sforce-Limit-Info,
-- HubSpot's X-HubSpot-RateLimit-Daily headers), for the connections page and /metrics.
-- Null where the system reports none, and for older runs.
ALTER TABLE run_calls ADD COLUMN daily_used INTEGER;
ALTER TABLE run_calls ADD COLUMN daily_limit INTEGER;
