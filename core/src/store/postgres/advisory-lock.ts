import type { SessionLock } from '../run-log.ts';
import type { PostgresDb } from './postgres-db.ts';

/**
 * A tenant's run lock as a Postgres session advisory lock: the server frees it the moment
 * the holding session ends (the process killed, the host lost once TCP keepalive notices),
 * so no run waits out a TTL (https://www.postgresql.org/docs/15/explicit-locking.html#ADVISORY-LOCKS).
 */
export function advisoryLock(db: PostgresDb, name: string): SessionLock {
  let holding = false;
  const tryLock = () =>
    (db.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [name], false).rows[0] as { ok: boolean }).ok;
  const unlock = () => db.query('SELECT pg_advisory_unlock(hashtext($1))', [name], false);
  return {
    tryHold() {
      if (!holding) holding = tryLock();
      // A run holding its lock must not carry on over a new session, which would not hold it.
      db.pinned = holding;
      return holding;
    },
    release() {
      if (!holding) return;
      holding = false;
      db.pinned = false;
      unlock();
    },
    get holding() {
      return holding;
    },
    heldElsewhere() {
      if (holding) return false;
      // Looked up, never taken: taking it even for a moment (a /metrics scrape) could
      // refuse a sync starting at that instant. A one-bigint key shows in pg_locks as its
      // high 32 bits (classid) and low 32 bits (objid), objsubid 1.
      const row = db.query(
        `SELECT EXISTS (
           SELECT 1 FROM pg_locks l, (SELECT CAST(hashtext($1) AS bigint) AS k) h
           WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
             AND l.classid = CAST((h.k >> 32) & 4294967295 AS oid) AND l.objid = CAST(h.k & 4294967295 AS oid)
         ) AS held`,
        [name],
        false,
      ).rows[0] as { held: boolean };
      return row.held;
    },
  };
}
