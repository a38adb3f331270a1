import { readdirSync, readFileSync } from 'node:fs';
import { SpocError } from '../../errors/spoc-error.ts';
import { inTransaction } from '../prepare-db.ts';
import { PostgresDb, type PostgresOptions } from './postgres-db.ts';

/** A tenant id: what keys one config's state in a shared database (its Postgres schema). */
export const TENANT_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;

/** The Postgres schema holding a tenant's state. */
export function tenantSchema(tenant: string): string {
  if (!TENANT_PATTERN.test(tenant)) {
    throw new SpocError(
      'config',
      'TENANT_INVALID',
      `tenant "${tenant}" must be lower-case letters, digits and _ (starting with a letter, at most 48)`,
    );
  }
  return `spoc_${tenant}`;
}

const DIR = new URL('./pg-migrations/', import.meta.url);
/** Postgres' own migrations, in order; schema_version holds how many have run. Append only. */
const MIGRATIONS = readdirSync(DIR)
  .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
  .sort()
  .map((f) => readFileSync(new URL(f, DIR), 'utf8'));

/**
 * Connects to a tenant's state in Postgres: its schema made if missing, pending
 * migrations run in one transaction under a lock that keeps two processes from migrating
 * the same tenant at once.
 */
export function openPostgres(url: string, tenant: string, options: PostgresOptions = {}): PostgresDb {
  const schema = tenantSchema(tenant);
  const db = new PostgresDb(url, schema, options);
  try {
    inTransaction(
      db,
      () => {
        db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`spoc-migrate:${schema}`], false);
        db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
        const row = db.query('SELECT version FROM schema_version', [], false).rows[0] as
          | { version: number }
          | undefined;
        const version = row?.version ?? 0;
        if (version > MIGRATIONS.length) {
          throw new SpocError(
            'config',
            'STATE_TOO_NEW',
            `tenant ${tenant} at ${db.where} was written by a newer spoc (schema ${version}, this one knows ${MIGRATIONS.length}): upgrade spoc`,
          );
        }
        for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
        if (!row) db.query('INSERT INTO schema_version (version) VALUES ($1)', [MIGRATIONS.length], false);
        else if (version < MIGRATIONS.length)
          db.query('UPDATE schema_version SET version = $1', [MIGRATIONS.length], false);
      },
      'BEGIN',
    );
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
