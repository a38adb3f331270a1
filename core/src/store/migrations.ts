import { readdirSync, readFileSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';

/**
 * Ordered schema migrations; PRAGMA user_version holds how many have run. Append
 * only: a released migration is never edited. SQL migrations are the numbered files in
 * migrations/, as released; one that needs code (to find what an older file holds) is a
 * function here under its number. Each number is either a file or a function.
 */
export type Migration = string | ((db: DatabaseSync) => void);

const DIR = new URL('./migrations/', import.meta.url);
const SQL = new Map<number, Migration>(
  readdirSync(DIR)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .map((f) => [Number(f.slice(0, 3)), readFileSync(new URL(f, DIR), 'utf8')]),
);

const CODE = new Map<number, Migration>([
  // 7: what each system holds per account and role is keyed by (system, record id), one
  // row per system, instead of a pair of columns per system: a new system needs no
  // migration. The per-system columns an older file has are found in the file itself.
  [
    7,
    (db) => {
      db.exec(`
      CREATE TABLE account_role_systems (
        account TEXT NOT NULL,
        role TEXT NOT NULL,
        system TEXT NOT NULL,
        record_id TEXT NOT NULL,
        owner TEXT,
        PRIMARY KEY (account, role, system)
      ) WITHOUT ROWID;
      CREATE INDEX account_role_systems_by_owner ON account_role_systems(owner, system);
      CREATE INDEX account_role_systems_by_record ON account_role_systems(system, record_id);
    `);
      const columns = (db.prepare('PRAGMA table_info(account_roles)').all() as { name: string }[]).map((c) => c.name);
      const systems = columns
        .filter((c) => /^[a-z][a-z0-9]*_id$/.test(c) && columns.includes(`${c.slice(0, -3)}_owner`))
        .map((c) => c.slice(0, -3));
      for (const s of systems) {
        db.prepare(
          `INSERT INTO account_role_systems (account, role, system, record_id, owner)
         SELECT account, role, ?, ${s}_id, ${s}_owner FROM account_roles WHERE ${s}_id IS NOT NULL`,
        ).run(s);
      }
      db.exec(`
      CREATE TABLE account_roles_v7 (
        account TEXT NOT NULL,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        decided TEXT,
        detail TEXT,
        run_id TEXT NOT NULL,
        PRIMARY KEY (account, role)
      ) WITHOUT ROWID;
      INSERT INTO account_roles_v7 SELECT account, role, name, status, decided, detail, run_id FROM account_roles;
      DROP TABLE account_roles;
      ALTER TABLE account_roles_v7 RENAME TO account_roles;
      CREATE INDEX account_roles_by_status ON account_roles(status, role);
      CREATE INDEX account_roles_by_decided ON account_roles(decided);
      CREATE INDEX account_roles_by_name ON account_roles(name COLLATE NOCASE, account, role);
    `);
    },
  ],
]);

export const MIGRATIONS: Migration[] = Array.from({ length: SQL.size + CODE.size }, (_, i) => {
  const migration = SQL.get(i + 1) ?? CODE.get(i + 1);
  if (migration === undefined || (SQL.has(i + 1) && CODE.has(i + 1)))
    throw new Error(`schema migration ${i + 1} must be exactly one of a file or a function`);
  return migration;
});
