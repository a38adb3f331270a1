import { hostname } from 'node:os';
import pg from 'pg';
import { expect, it } from 'vitest';
import { describePostgres, postgresUrl, uniqueTenant } from '../../../../test/postgres/index.ts';
import { openStore } from '../state-store.ts';

// The server ends a session (a failover, an admin's pg_terminate_backend, a restart).

async function terminate(tenant: string): Promise<number> {
  const client = new pg.Client({ connectionString: postgresUrl() as string });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1',
      [`spoc spoc_${tenant}`],
    );
    // The server reports the session gone only once the backend has exited.
    for (let i = 0; i < 50; i++) {
      const left = await client.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [
        `spoc spoc_${tenant}`,
      ]);
      if (left.rowCount === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return rows.length;
  } finally {
    await client.end();
  }
}

describePostgres('a Postgres session the server ends', () => {
  it('is replaced for a store that holds nothing (the console): the next read just works', async () => {
    const tenant = uniqueTenant('console');
    const store = openStore({ postgres: postgresUrl() as string, tenant });
    const run = store.runs.start({ dryRun: true, full: false });
    store.runs.finish(run, 'ok', { accounts: 1 });
    expect(await terminate(tenant)).toBe(1);
    expect(store.runs.list().map((r) => r.id)).toEqual([run]);
    store.close();
  });

  it('stops a run that holds its tenant lock, which is free for the next run at once', async () => {
    const url = postgresUrl() as string;
    const tenant = uniqueTenant('holder');
    const store = openStore({ postgres: url, tenant });
    const run = store.runs.start({ dryRun: false, full: false });
    expect(store.runs.acquireLock({ runId: run, pid: process.pid, host: hostname() })).toEqual({ ok: true });
    expect(await terminate(tenant)).toBe(1);
    expect(() => store.journal.record(run, [])).not.toThrow(); // an empty batch touches nothing
    expect(() => store.runs.heartbeat(run)).toThrow(
      /lost the connection to the Postgres state store at .*the run stopped/,
    );
    const next = openStore({ postgres: url, tenant });
    const again = next.runs.start({ dryRun: false, full: false });
    expect(next.runs.acquireLock({ runId: again, pid: process.pid, host: hostname() })).toEqual({ ok: true });
    expect(next.runs.abandonStale()).toEqual([run]);
    next.close();
    store.close();
  });
});
