import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, inject } from 'vitest';
import type {} from './global-setup.ts';

// What a test file needs of the run's Postgres server (started by ./global-setup.ts).

/** A superuser's URL on the run's Postgres server; undefined when Postgres tests are skipped. */
export function postgresUrl(): string | undefined {
  return inject('postgresUrl') ?? undefined;
}

/** describe when the run has a Postgres server, else describe.skip. */
export const describePostgres = describe.skipIf(!postgresUrl());

/** Creates a database of its own on the run's server and returns its URL (same user). */
export async function freshDatabase(): Promise<string> {
  const url = postgresUrl();
  if (!url) throw new Error('freshDatabase: this run has no Postgres server (call it inside describePostgres)');
  const name = `${inject('postgresRun') ?? 'spoc_test'}_${uniqueSuffix()}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const database = new URL(url);
  database.pathname = `/${name}`;
  return database.toString();
}

/** A tenant name no other call gives (in this run, other workers, or other runs on the same server): lowercase [a-z0-9_]. */
export function uniqueTenant(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  return `${clean}_${uniqueSuffix()}`;
}

let calls = 0;

// The worker's pid and a counter are unique on this machine; the random part across machines and runs.
function uniqueSuffix(): string {
  calls += 1;
  return `${process.pid.toString(36)}_${calls.toString(36)}_${randomBytes(3).toString('hex')}`;
}
