import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  copyFileSync,
  linkSync,
  mkdirSync,
  openSync,
  rmSync,
  type Stats,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { pathToFileURL } from 'node:url';
import { SpocError } from '../errors/spoc-error.ts';
import { backupDir, newestBackup } from './backups.ts';

/**
 * Getting the state file ready to open: its folder made, an existing file checked
 * (never silently replaced), a missing one created whole. Every refusal is a config
 * error naming the file.
 */

/**
 * Opens the state file, creating it when the path does not exist yet: `init` sets a new
 * file up (schema, WAL) under a temporary name, which is then linked into place, so
 * another process never sees a half-made (empty) file there. Returns whether the file
 * existed before.
 */
export function openStateFile(path: string, init: (db: DatabaseSync) => void): { db: DatabaseSync; existed: boolean } {
  ensureFolder(dirname(path), path);
  const existing = inspect(path);
  if (!existing) createWhole(path, init);
  // mode=rw: never creates the file (it exists now), so a file removed meanwhile is an error, not a blank state.
  const url = pathToFileURL(path);
  url.searchParams.set('mode', 'rw');
  try {
    return { db: new DatabaseSync(url), existed: existing !== undefined };
  } catch (error) {
    throw stateError('STATE_PATH', `cannot open the state file ${path}: ${reasonOf(error)}`, error);
  }
}

/** Makes the missing folders one by one: recursive mkdir loops forever on some paths (e.g. under /proc). */
function ensureFolder(dir: string, path: string): void {
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const stats = statOrUndefined(current, path);
    if (stats?.isDirectory()) break;
    if (stats) throw stateError('STATE_PATH', `cannot create the state file ${path}: ${current} is not a folder`);
    if (dirname(current) === current) break;
    missing.unshift(current);
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw stateError(
        'STATE_PATH',
        `cannot create the folder ${folder} for the state file ${path}: ${reasonOf(error)}`,
        error,
      );
    }
  }
}

/** An existing state file's stats, checked; undefined when the path does not exist. */
function inspect(path: string): Stats | undefined {
  const stats = statOrUndefined(path, path);
  if (!stats) return undefined;
  if (!stats.isFile()) throw stateError('STATE_PATH', `${path} is not a regular file (state.sqlite must name a file)`);
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw stateError(
      'STATE_UNREADABLE',
      `cannot read and write the state file ${path}: ${reasonOf(error)} (run spoc as the user owning it, or fix its permissions)`,
      error,
    );
  }
  if (stats.size === 0) {
    throw stateError(
      'STATE_EMPTY',
      `the state file ${path} is empty (0 bytes): spoc does not start afresh over an existing state file (its baselines, history and pending console actions would be lost). ${restoreAdvice(path)} If this is a new install, delete the empty file.`,
    );
  }
  return stats;
}

function createWhole(path: string, init: (db: DatabaseSync) => void): void {
  const partial = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // Created through fs first: its error names the cause (SQLite only says "unable to open").
    closeSync(openSync(partial, 'wx', 0o600));
  } catch (error) {
    throw stateError('STATE_PATH', `cannot create the state file ${path}: ${reasonOf(error)}`, error);
  }
  try {
    const db = new DatabaseSync(partial);
    try {
      init(db);
    } finally {
      db.close();
    }
    placeExclusively(partial, path);
  } finally {
    for (const file of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(file, { force: true });
  }
}

/** Puts the new file at `path` unless another process got there first (then theirs stays). */
function placeExclusively(partial: string, path: string): void {
  try {
    linkSync(partial, path);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
  }
  // A file system without hard links: an exclusive copy (not atomic, still never over an existing file).
  try {
    copyFileSync(partial, path, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw stateError('STATE_PATH', `cannot create the state file ${path}: ${reasonOf(error)}`, error);
    }
  }
}

/** The refusal for a file SQLite cannot read as a sound database. */
export function corruptError(path: string, detail: string, cause?: unknown): SpocError {
  return stateError('STATE_CORRUPT', `the state file ${path} is damaged (${detail}). ${restoreAdvice(path)}`, cause);
}

/** How to get a working state file back, naming the newest backup when there is one. */
export function restoreAdvice(path: string): string {
  const backup = newestBackup(path);
  if (!backup) {
    return `There is no backup of it in ${backupDir(path)}: move it away to start afresh (baselines, history and pending console actions are then lost).`;
  }
  return `Stop spoc and restore the newest backup: cp '${backup}' '${path}' && rm -f '${path}-wal' '${path}-shm' (what happened since that backup is forgotten; the next sync reads the vendors again).`;
}

function statOrUndefined(file: string, path: string): Stats | undefined {
  try {
    return statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw stateError('STATE_PATH', `cannot reach ${file} for the state file ${path}: ${reasonOf(error)}`, error);
  }
}

function stateError(code: string, message: string, cause?: unknown): SpocError {
  return new SpocError('config', code, message, cause === undefined ? {} : { cause });
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is not a folder',
  ENOSPC: 'no space left on the device',
  EISDIR: 'it is a folder',
};

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
}
