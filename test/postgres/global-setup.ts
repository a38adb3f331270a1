import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startThrowawayPostgres } from './cluster.ts';

// Vitest globalSetup: one Postgres server for the whole run, its URL handed to the tests
// with provide/inject (test/postgres/index.ts). SPOC_TEST_POSTGRES_URL names a server to
// use instead; without either, Postgres tests are skipped, unless SPOC_REQUIRE_POSTGRES=1
// (CI), where that fails the run.

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser's URL on the test server, or null when Postgres tests are skipped. */
    postgresUrl: string | null;
    /** Unique to this run: freshDatabase's names start with it, so teardown can drop them. */
    postgresRun: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const runId = `spoc_test_${randomBytes(4).toString('hex')}`;
  project.provide('postgresRun', runId);

  const given = process.env.SPOC_TEST_POSTGRES_URL;
  if (given) {
    await checkReachable(given);
    project.provide('postgresUrl', given);
    // Someone else's server: leave it as found.
    return () => dropDatabasesOf(given, runId);
  }

  if (!findPostgresBinaries()) {
    const reason =
      'no PostgreSQL server binaries found (apt-get install postgresql) and SPOC_TEST_POSTGRES_URL is unset';
    if (process.env.SPOC_REQUIRE_POSTGRES === '1') throw new Error(`SPOC_REQUIRE_POSTGRES=1, but ${reason}`);
    console.warn(`Postgres tests skipped: ${reason}`);
    project.provide('postgresUrl', null);
    return undefined;
  }

  const started = performance.now();
  const cluster = await startThrowawayPostgres();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.info(
    `Postgres tests: a throwaway PostgreSQL ${cluster.version} on ${new URL(cluster.url).host}, started in ${seconds} s`,
  );
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}

async function checkReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`SPOC_TEST_POSTGRES_URL (${redacted(url)}) does not answer: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function dropDatabasesOf(url: string, runId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${runId.replaceAll('_', '\\_')}\\_%`,
    ]);
    for (const { datname } of rows) {
      await client.query(`drop database if exists ${client.escapeIdentifier(datname)} with (force)`);
    }
  } finally {
    await client.end();
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}
