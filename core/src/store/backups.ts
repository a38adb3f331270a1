import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { SpocError } from '../errors/spoc-error.ts';

/**
 * Copies of the state file in `backups/` beside it: one a day (`state.2026-11-22.db`)
 * and one before each migration (`state.schema-5.db`, the file as schema 5 left it).
 * Each is a consistent snapshot (VACUUM INTO reads one WAL transaction) made under a
 * temporary name and renamed into place, so a backup file is always complete.
 */

/** How many copies of each kind are kept. */
export const KEEP_BACKUPS = 3;

export function backupDir(statePath: string): string {
  return join(dirname(statePath), 'backups');
}

function stem(statePath: string): string {
  return basename(statePath).replace(/\.(db|sqlite3?)$/, '');
}

/** The newest backup of this state file (daily or before a migration), if any. */
export function newestBackup(statePath: string): string | undefined {
  const dir = backupDir(statePath);
  const mine = new RegExp(`^${escapeRegExp(stem(statePath))}\\.(\\d{4}-\\d{2}-\\d{2}|schema-\\d+)\\.db$`);
  let newest: { file: string; at: number } | undefined;
  for (const name of list(dir)) {
    if (!mine.test(name)) continue;
    const file = join(dir, name);
    const at = statSync(file).mtimeMs;
    if (!newest || at > newest.at) newest = { file, at };
  }
  return newest?.file;
}

/** Takes today's copy unless there is one; keeps the newest few. */
export function dailyBackup(db: DatabaseSync, statePath: string, now: Date, keep = KEEP_BACKUPS): void {
  const name = `${stem(statePath)}.${now.toISOString().slice(0, 10)}.db`;
  if (existsSync(join(backupDir(statePath), name))) return;
  snapshot(db, statePath, name);
  prune(statePath, /^\d{4}-\d{2}-\d{2}$/, keep);
}

/** The file as schema `version` left it, before migrating past it. */
export function migrationBackup(db: DatabaseSync, statePath: string, version: number, keep = KEEP_BACKUPS): string {
  let file: string;
  try {
    file = snapshot(db, statePath, `${stem(statePath)}.schema-${version}.db`);
  } catch (error) {
    // No migration without a copy to go back to.
    throw new SpocError(
      'config',
      'STATE_BACKUP',
      `cannot copy the state file ${statePath} to ${backupDir(statePath)} before migrating it: ${(error as Error).message}`,
      { cause: error },
    );
  }
  prune(statePath, /^schema-\d+$/, keep);
  return file;
}

function snapshot(db: DatabaseSync, statePath: string, name: string): string {
  const dir = backupDir(statePath);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  const partial = `${file}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  try {
    db.exec(`VACUUM INTO '${partial.replaceAll("'", "''")}'`);
    // Owner only, like the state file: it holds the same people and history.
    chmodSync(partial, 0o600);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return file;
}

/** Deletes all but the `keep` newest copies of one kind (names sort by age within a kind). */
function prune(statePath: string, kind: RegExp, keep: number): void {
  const prefix = `${stem(statePath)}.`;
  const order = (name: string) => name.replace(/schema-(\d+)/, (_, n: string) => `schema-${n.padStart(9, '0')}`);
  const copies = list(backupDir(statePath))
    .filter((n) => n.startsWith(prefix) && n.endsWith('.db') && kind.test(n.slice(prefix.length, -3)))
    .sort((a, b) => order(a).localeCompare(order(b)));
  for (const name of copies.slice(0, Math.max(0, copies.length - keep))) {
    rmSync(join(backupDir(statePath), name), { force: true });
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
