import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findPostgresBinaries, startThrowawayPostgres } from './cluster.ts';
import { describePostgres, freshDatabase, postgresUrl, uniqueTenant } from './index.ts';

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

describePostgres("the run's Postgres server", () => {
  it('answers queries over the provided URL', async () => {
    const rows = await query(postgresUrl()!, "select 1 + 1 as two, current_setting('server_encoding') as encoding");
    expect(rows).toEqual([{ two: 2, encoding: 'UTF8' }]);
  });

  it('refuses a wrong password (28P01)', async () => {
    const wrong = new URL(postgresUrl()!);
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'select 1')).rejects.toMatchObject({ code: '28P01' });
  });

  it('freshDatabase creates a database of its own, another on each call', async () => {
    const [first, second] = [await freshDatabase(), await freshDatabase()];
    const name = (url: string) => new URL(url).pathname.slice(1);
    expect(name(first)).not.toBe(name(second));
    expect(await query(first, 'select current_database() as db')).toEqual([{ db: name(first) }]);
    const listed = await query<{ datname: string }>(postgresUrl()!, 'select datname from pg_database');
    expect(listed.map((row) => row.datname)).toEqual(expect.arrayContaining([name(first), name(second)]));
  });
});

describe.skipIf(!findPostgresBinaries())('startThrowawayPostgres', () => {
  it('serves 127.0.0.1 only, without durability, until stop()', async () => {
    const cluster = await startThrowawayPostgres();
    try {
      expect(new URL(cluster.url).hostname).toBe('127.0.0.1');
      const settings = await query(
        cluster.url,
        `select current_setting('listen_addresses') as listen, current_setting('fsync') as fsync,
                current_setting('max_connections') as connections, current_user as "user"`,
      );
      expect(settings).toEqual([{ listen: '127.0.0.1', fsync: 'off', connections: '200', user: 'spoc' }]);
    } finally {
      await cluster.stop();
    }
    await expect(query(cluster.url, 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('uniqueTenant', () => {
  it('gives lowercase [a-z0-9_] names, never the same twice', () => {
    const names = Array.from({ length: 1000 }, () => uniqueTenant('Sync-Test'));
    for (const name of names) expect(name).toMatch(/^sync_test_[a-z0-9_]+$/);
    expect(new Set(names).size).toBe(names.length);
  });
});
