import { type ChildProcess, spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { describePostgres, postgresUrl, uniqueTenant } from '../../../../test/postgres/index.ts';
import { openStore, type StateLocation } from '../state-store.ts';

// The run lock of a Postgres tenant is a session advisory lock: held while the holder's
// connection lives, freed by the server when it ends, however it ends.

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** Another process that starts a sync of `location` and tries its lock, then waits to be killed. */
async function syncProcess(location: StateLocation): Promise<{ child: ChildProcess; runId: string; ok: boolean }> {
  const storeUrl = pathToFileURL(new URL('../state-store.ts', import.meta.url).pathname).href;
  const script = `
    import { hostname } from 'node:os';
    import { openStore } from ${JSON.stringify(storeUrl)};
    const store = openStore(${JSON.stringify(location)});
    const runId = store.runs.start({ dryRun: false, full: false });
    store.runs.abandonStale();
    const lock = store.runs.acquireLock({ runId, pid: process.pid, host: hostname() });
    process.stdout.write(JSON.stringify({ runId, ok: lock.ok }) + '\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve),
  );
  return { child, ...(JSON.parse(line) as { runId: string; ok: boolean }) };
}

/** A sync in another process that holds `location`'s lock. */
async function holder(location: StateLocation): Promise<{ child: ChildProcess; runId: string }> {
  const started = await syncProcess(location);
  expect(started.ok).toBe(true);
  return started;
}

describePostgres('the run lock of a Postgres tenant', () => {
  it('keeps a second sync out while the holder lives, and is free the moment it is killed (no TTL)', async () => {
    const location = { postgres: postgresUrl() as string, tenant: uniqueTenant('lock') };
    const { child, runId } = await holder(location);
    const store = openStore(location);
    const mine = store.runs.start({ dryRun: false, full: false });
    // The holder is alive: its run is not abandoned, and the lock is refused, naming it.
    expect(store.runs.abandonStale()).toEqual([]);
    expect(store.runs.liveRunIds()).toEqual(new Set([runId, mine]));
    const refused = store.runs.acquireLock({ runId: mine, pid: process.pid, host: hostname() });
    expect(refused).toMatchObject({ ok: false, heldBy: { runId, pid: child.pid } });

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The server ends the session (a closed socket); give it a moment to notice.
    let taken = store.runs.acquireLock({ runId: mine, pid: process.pid, host: hostname() });
    for (let i = 0; !taken.ok && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 20));
      taken = store.runs.acquireLock({ runId: mine, pid: process.pid, host: hostname() });
    }
    expect(taken).toEqual({ ok: true });
    expect(store.runs.abandonStale()).toEqual([runId]);
    expect(store.runs.get(runId)).toMatchObject({ status: 'failed', error: 'interrupted' });
    store.runs.releaseLock(mine);
    store.close();
  });

  it('sees another session hold the lock without taking it, whatever its key hashes to', () => {
    const url = postgresUrl() as string;
    for (let i = 0; i < 8; i++) {
      const location = { postgres: url, tenant: uniqueTenant(`seen${i}`) };
      const holding = openStore(location);
      const run = holding.runs.start({ dryRun: false, full: false });
      expect(holding.runs.acquireLock({ runId: run, pid: process.pid, host: hostname() })).toEqual({ ok: true });
      const looking = openStore(location);
      // Asked twice: looking never takes the lock, so the holder keeps it throughout.
      expect(looking.runs.liveRunIds()).toEqual(new Set([run]));
      expect(looking.runs.liveRunIds()).toEqual(new Set([run]));
      expect(looking.runs.abandonStale()).toEqual([]);
      holding.runs.releaseLock(run);
      holding.runs.finish(run, 'ok', {});
      expect(looking.runs.liveRunIds()).toEqual(new Set());
      holding.close();
      looking.close();
    }
  });

  it('lets exactly one of six syncs started together take the lock', async () => {
    const location = { postgres: postgresUrl() as string, tenant: uniqueTenant('race') };
    openStore(location).close(); // the schema made first: the race is for the lock, not the migration
    // Each keeps whatever it got until killed (afterEach), so no loser can win after a winner leaves.
    const results = await Promise.all(Array.from({ length: 6 }, () => syncProcess(location)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('keeps tenants apart: one tenant’s sync never holds another’s', async () => {
    const url = postgresUrl() as string;
    const { runId } = await holder({ postgres: url, tenant: uniqueTenant('busy') });
    const other = openStore({ postgres: url, tenant: uniqueTenant('free') });
    const run = other.runs.start({ dryRun: false, full: false });
    expect(other.runs.acquireLock({ runId: run, pid: process.pid, host: hostname() })).toEqual({ ok: true });
    expect(other.runs.lockHolder()?.runId).not.toBe(runId);
    other.runs.releaseLock(run);
    other.close();
  });

  it('frees the lock when the store closes, and a run of this store is never abandoned before it takes it', () => {
    const location = { postgres: postgresUrl() as string, tenant: uniqueTenant('close') };
    const first = openStore(location);
    const run = first.runs.start({ dryRun: false, full: false });
    expect(first.runs.abandonStale()).toEqual([]);
    expect(first.runs.acquireLock({ runId: run, pid: process.pid, host: hostname() })).toEqual({ ok: true });
    first.close();
    const second = openStore(location);
    const next = second.runs.start({ dryRun: false, full: false });
    expect(second.runs.acquireLock({ runId: next, pid: process.pid, host: hostname() })).toEqual({ ok: true });
    expect(second.runs.abandonStale()).toEqual([run]);
    second.close();
  });
});
