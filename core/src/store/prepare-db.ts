import type { DatabaseSync } from 'node:sqlite';
import { SpocError } from '../errors/spoc-error.ts';
import { dailyBackup, migrationBackup } from './backups.ts';
import { MIGRATIONS } from './migrations.ts';
import { corruptError } from './state-file.ts';

export interface PrepareSteps {
  /** PRAGMA quick_check before anything reads or copies the file. */
  check?: boolean;
  /** Take the day's backup (of a file that existed) as of this time. */
  daily?: Date;
  /** Copy the file before migrating it. */
  beforeMigration?: boolean;
}

const SQLITE_BUSY = 5;
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/**
 * Readies an open state database: connection settings, an integrity check, the daily
 * backup, pending migrations. A file SQLite finds damaged on the way is refused with
 * how to restore it. Returns warnings (a daily backup that failed).
 */
export function prepare(db: DatabaseSync, path: string, steps: PrepareSteps): string[] {
  const warnings: string[] = [];
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON;`);
    useWal(db);
    if (steps.check) quickCheck(db, path);
    if (steps.daily) {
      try {
        dailyBackup(db, path, steps.daily);
      } catch (error) {
        // A missed daily copy is worth a warning, not a stopped sync.
        warnings.push(`the daily backup of ${path} failed: ${(error as Error).message}`);
      }
    }
    migrate(db, path, steps.beforeMigration === true);
    return warnings;
  } catch (error) {
    if (error instanceof SpocError) throw error;
    const code = Number((error as { errcode?: unknown }).errcode) & 0xff;
    if (code === SQLITE_CORRUPT || code === SQLITE_NOTADB) throw corruptError(path, (error as Error).message, error);
    throw error;
  }
}

const BUSY_TIMEOUT_MS = 5000;

/**
 * Switches the file to WAL (a no-op once it is). Switching a file in rollback mode (one
 * restored from a backup, or an older spoc's) needs it alone, and SQLite then answers
 * SQLITE_BUSY at once, without waiting busy_timeout, when another process opens it at the
 * same moment: two syncs started together would see one fail with "database is locked".
 * Retried here for as long as busy_timeout.
 */
function useWal(db: DatabaseSync): void {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      const busy = (Number((error as { errcode?: unknown }).errcode) & 0xff) === SQLITE_BUSY;
      if (!busy || Date.now() >= deadline) throw error;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
  }
}

function quickCheck(db: DatabaseSync, path: string): void {
  const rows = db.prepare('PRAGMA quick_check(3)').all() as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (problems.length > 0) throw corruptError(path, `PRAGMA quick_check: ${problems.join('; ')}`);
}

/** Schema version = how many MIGRATIONS have run (PRAGMA user_version). */
function schemaVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

function migrate(db: DatabaseSync, path: string, backupFirst: boolean): void {
  const known = MIGRATIONS.length;
  const tooNew = (version: number) =>
    new SpocError(
      'config',
      'STATE_TOO_NEW',
      `${path} was written by a newer spoc (schema ${version}, this one knows ${known}): upgrade spoc`,
    );
  const version = schemaVersion(db);
  if (version > known) throw tooNew(version);
  if (version === known) return;
  // A file holding data (schema 0 is a new, empty one) is copied as it is before it changes.
  if (backupFirst && version > 0) migrationBackup(db, path, version);
  // All pending migrations in one write transaction: a crash leaves the old schema, and
  // the version is read again under the lock because another process may have migrated first.
  inTransaction(db, () => {
    const locked = schemaVersion(db);
    if (locked > known) throw tooNew(locked);
    for (let v = locked; v < known; v++) {
      const migration = MIGRATIONS[v] ?? '';
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    db.exec(`PRAGMA user_version = ${known}`);
  });
}

/**
 * One write transaction, taken at once (IMMEDIATE) so it waits under busy_timeout instead
 * of failing later. Inside one already open, the work joins it: the outer one commits it
 * all or rolls it all back (the record phase and its notices are one transaction).
 */
export function inTransaction<T>(
  db: { readonly isTransaction: boolean; exec(text: string): void },
  work: () => T,
  begin = 'BEGIN IMMEDIATE',
): T {
  if (db.isTransaction) return work();
  db.exec(begin);
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
