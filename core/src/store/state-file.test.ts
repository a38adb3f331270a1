import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeEach, describe, expect, it } from 'vitest';
import { SpocError } from '../errors/spoc-error.ts';
import { MIGRATIONS } from './migrations.ts';
import { openStore, type StoreOptions } from './state-store.ts';
import { company, tmpStorePath } from './store-testing.ts';

let path: string;
beforeEach(() => {
  path = tmpStorePath();
});

function refusal(open: () => unknown): SpocError {
  try {
    open();
  } catch (error) {
    if (error instanceof SpocError) return error;
    throw error;
  }
  throw new Error('expected the state file to be refused');
}

const day = (iso: string): StoreOptions => ({ now: () => new Date(iso) });
const backupsOf = (file: string) => {
  const dir = join(dirname(file), 'backups');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};

/** A store holding some rows over several pages, closed. */
function filledStore(file: string, options: StoreOptions = {}): void {
  const store = openStore(file, options);
  store.mirror.upsertAccounts(Array.from({ length: 400 }, (_, i) => company(String(i + 1), `7${i}`)));
  store.close();
}

describe('a state file that cannot be used is refused, naming it', () => {
  it('a folder that cannot be created: at once, naming it (no endless retry)', () => {
    const started = Date.now();
    const error = refusal(() => openStore('/proc/nope/state.db'));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ kind: 'config', code: 'STATE_PATH' });
    expect(error.message).toContain('/proc/nope');
  });

  it('a file standing where its folder should be', () => {
    const parent = dirname(dirname(path));
    writeFileSync(join(parent, 'nested'), 'not a folder');
    const error = refusal(() => openStore(path));
    expect(error).toMatchObject({ kind: 'config', code: 'STATE_PATH' });
    expect(error.message).toContain(join(parent, 'nested'));
  });

  it('an empty (0-byte) file where a state file existed: never started afresh over it', () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '');
    const error = refusal(() => openStore(path));
    expect(error).toMatchObject({ kind: 'config', code: 'STATE_EMPTY' });
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/empty \(0 bytes\)/);
    expect(statSync(path).size).toBe(0);
  });

  it('a folder at the state path', () => {
    mkdirSync(path, { recursive: true });
    const error = refusal(() => openStore(path));
    expect(error).toMatchObject({ kind: 'config', code: 'STATE_PATH' });
    expect(error.message).toContain(`${path} is not a regular file`);
  });

  it.skipIf(process.getuid?.() === 0)('a file spoc may not read and write', () => {
    openStore(path).close();
    chmodSync(path, 0o200);
    const error = refusal(() => openStore(path));
    expect(error).toMatchObject({ kind: 'config', code: 'STATE_UNREADABLE' });
    expect(error.message).toContain(path);
    chmodSync(path, 0o600);
  });

  it('a file that is not a SQLite database: names it and the backup to restore, leaves it alone', () => {
    filledStore(path, day('2026-11-20T08:00:00Z'));
    openStore(path, day('2026-11-21T08:00:00Z')).close(); // takes the day's backup
    const [backup] = backupsOf(path);
    writeFileSync(path, 'this is not a database\n'.repeat(500));
    const error = refusal(() => openStore(path, day('2026-11-22T08:00:00Z')));
    expect(error).toMatchObject({ kind: 'config', code: 'STATE_CORRUPT' });
    expect(error.message).toContain(path);
    expect(error.message).toContain(join(dirname(path), 'backups', backup ?? ''));
    expect(error.message).toContain(
      `cp '${join(dirname(path), 'backups', backup ?? '')}' '${path}' && rm -f '${path}-wal' '${path}-shm'`,
    );
    expect(readFileSync(path, 'utf8')).toMatch(/^this is not a database/);
    // A damaged file is never backed up (it would push a good backup out).
    expect(backupsOf(path)).toEqual([backup]);
  });

  it('a damaged database: PRAGMA quick_check at open finds it', () => {
    filledStore(path);
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over the middle of the accounts table's pages, header and schema left intact.
    for (let i = pageSize * 3; i < bytes.length - pageSize; i += 97) bytes[i] = 0xa5;
    writeFileSync(path, bytes);
    const error = refusal(() => openStore(path));
    expect(error).toMatchObject({ kind: 'config', code: 'STATE_CORRUPT' });
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/no backup|restore/);
  });

  it('a brand-new path is created, folders included, as a complete database (no half-made file)', () => {
    expect(existsSync(dirname(path))).toBe(false);
    openStore(path).close();
    expect(statSync(path).size).toBeGreaterThan(0);
    expect(readdirSync(dirname(path))).toEqual(['state.db']);
  });
});

describe('backups of the state file', () => {
  it('one a day by default, of a file that existed, keeping the three newest', () => {
    filledStore(path, day('2026-11-20T08:00:00Z'));
    expect(backupsOf(path)).toEqual([]);
    for (const at of ['2026-11-20T09:00:00Z', '2026-11-20T23:00:00Z']) openStore(path, day(at)).close();
    expect(backupsOf(path)).toEqual(['state.2026-11-20.db']);
    for (const at of ['2026-11-21T01:00:00Z', '2026-11-23T01:00:00Z', '2026-11-24T01:00:00Z']) {
      openStore(path, day(at)).close();
    }
    expect(backupsOf(path)).toEqual(['state.2026-11-21.db', 'state.2026-11-23.db', 'state.2026-11-24.db']);
  });

  it('a daily backup that cannot be written is a warning, not a refusal', () => {
    filledStore(path);
    writeFileSync(join(dirname(path), 'backups'), 'a file where the backups folder goes');
    const store = openStore(path);
    expect(store.warnings).toEqual([expect.stringMatching(new RegExp(`^the daily backup of ${path} failed: `))]);
    expect(store.mirror.loadAccounts()).toHaveLength(400);
    store.close();
  });

  it('none when turned off', () => {
    filledStore(path);
    openStore(path, { backups: false }).close();
    expect(backupsOf(path)).toEqual([]);
  });

  it('a backup restores as a working state file holding what the store held', () => {
    filledStore(path, day('2026-11-20T08:00:00Z'));
    openStore(path, day('2026-11-21T08:00:00Z')).close();
    const backup = join(dirname(path), 'backups', 'state.2026-11-21.db');
    const restored = openStore(backup, { backups: false });
    expect(restored.mirror.loadAccounts()).toHaveLength(400);
    restored.close();
  });

  it('a copy before each migration, at the schema it had', () => {
    mkdirSync(dirname(path), { recursive: true });
    const raw = new DatabaseSync(path);
    raw.exec(String(MIGRATIONS[0]));
    raw.exec('PRAGMA user_version = 1');
    raw.exec(`INSERT INTO cursors (system, kind, cursor, updated_at) VALUES ('hubspot', 'accounts', 'c1', 't0')`);
    raw.close();

    const store = openStore(path, { backups: { daily: false } });
    expect(store.mirror.getCursor('hubspot')).toBe('c1');
    store.close();
    expect(backupsOf(path)).toEqual(['state.schema-1.db']);
    const copy = new DatabaseSync(join(dirname(path), 'backups', 'state.schema-1.db'));
    expect(copy.prepare('PRAGMA user_version').get()).toEqual({ user_version: 1 });
    expect(copy.prepare('SELECT cursor FROM cursors').all()).toEqual([{ cursor: 'c1' }]);
    copy.close();
  });
});
