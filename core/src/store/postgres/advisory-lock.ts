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
      return holding;
    },
    release() {
      if (!holding) return;
      holding = false;
      unlock();
    },
    get holding() {
      return holding;
    },
    heldElsewhere() {
      if (holding) return false;
      // Taken and let go at once: only to learn whether another session has it.
      if (!tryLock()) return true;
      unlock();
      return false;
    },
  };
}
