import { hostname } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './state-store.ts';
import { deadPid, tmpStorePath } from './store-testing.ts';

let path: string;
beforeEach(() => {
  path = tmpStorePath();
});

const HOUR = 3600_000;
const here = hostname();

describe('the run lock', () => {
  it('lets one run hold it: a second run is refused and told who holds it, until it is released', () => {
    const store = openStore(path, { now: () => new Date('2026-11-22T10:00:00.000Z') });
    expect(store.runs.acquireLock({ runId: 'r1', pid: process.pid, host: here })).toEqual({ ok: true });
    expect(store.runs.acquireLock({ runId: 'r1', pid: process.pid, host: here })).toEqual({ ok: true });
    expect(store.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toEqual({
      ok: false,
      heldBy: { runId: 'r1', pid: process.pid, host: here, since: '2026-11-22T10:00:00.000Z' },
    });
    store.runs.releaseLock('r2'); // not the holder: nothing happens
    expect(store.runs.lockHolder()?.runId).toBe('r1');
    store.runs.releaseLock('r1');
    expect(store.runs.lockHolder()).toBeUndefined();
    expect(store.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toEqual({ ok: true });
    store.close();
  });

  it('is one lock for every connection to the same file', () => {
    const a = openStore(path);
    const b = openStore(path);
    expect(a.runs.acquireLock({ runId: 'r1', pid: process.pid, host: here })).toEqual({ ok: true });
    expect(b.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toMatchObject({
      ok: false,
      heldBy: { runId: 'r1' },
    });
    a.runs.releaseLock('r1');
    expect(b.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toEqual({ ok: true });
    expect(a.runs.acquireLock({ runId: 'r3', pid: process.pid, host: here })).toMatchObject({ ok: false });
    a.close();
    b.close();
  });

  it('takes over a lock left behind by a process on this host that has died', () => {
    const a = openStore(path);
    const b = openStore(path);
    expect(a.runs.acquireLock({ runId: 'r1', pid: deadPid(), host: here })).toEqual({ ok: true });
    expect(b.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toEqual({ ok: true });
    expect(a.runs.lockHolder()).toMatchObject({ runId: 'r2', pid: process.pid });
    a.close();
    b.close();
  });

  it('never takes over a live process on this host, however long it has run', () => {
    let clock = 0;
    const store = openStore(path, { now: () => new Date(clock) });
    store.runs.acquireLock({ runId: 'r1', pid: process.pid, host: here });
    clock += 48 * HOUR;
    expect(store.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toMatchObject({ ok: false });
    store.close();
  });

  it('takes over a lock from another host only once it is older than the TTL, counted from its last heartbeat', () => {
    let clock = Date.parse('2026-11-22T00:00:00.000Z');
    const now = () => new Date(clock);
    const other = openStore(path, { now });
    const mine = openStore(path, { now, lockTtlMs: 6 * HOUR });
    expect(other.runs.acquireLock({ runId: 'r1', pid: 1, host: 'far-away' })).toEqual({ ok: true });

    clock += 5 * HOUR;
    expect(mine.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toMatchObject({ ok: false });
    expect(other.runs.heartbeat('r1')).toBe(true);
    clock += 5 * HOUR; // 10 h since acquired, 5 h since the heartbeat
    expect(mine.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toMatchObject({ ok: false });
    clock += 2 * HOUR;
    expect(mine.runs.acquireLock({ runId: 'r2', pid: process.pid, host: here })).toEqual({ ok: true });
    // The old holder learns it lost the lock and does not free the new holder's.
    expect(other.runs.heartbeat('r1')).toBe(false);
    other.runs.releaseLock('r1');
    expect(mine.runs.lockHolder()?.runId).toBe('r2');
    other.close();
    mine.close();
  });
});

describe('abandoning interrupted runs', () => {
  it('marks runs left running by a dead process as failed (interrupted), and leaves live and finished runs alone', () => {
    const store = openStore(path, { now: () => new Date('2026-11-22T10:00:00.000Z') });
    const dead = store.runs.start({ dryRun: false, full: false });
    const live = store.runs.start({ dryRun: false, full: false });
    const done = store.runs.start({ dryRun: false, full: false });
    store.runs.finish(done, 'ok', { changes: 0 });
    const raw = new DatabaseSync(path);
    raw.prepare('UPDATE runs SET pid = ? WHERE id IN (?, ?)').run(deadPid(), dead, done);
    raw.close();

    expect(store.runs.abandonStale()).toEqual([dead]);
    expect(store.runs.get(dead)).toMatchObject({
      status: 'failed',
      error: 'interrupted',
      finishedAt: '2026-11-22T10:00:00.000Z',
    });
    expect(store.runs.get(live)).toMatchObject({ status: 'running', error: null });
    expect(store.runs.get(done)).toMatchObject({ status: 'ok' });
    expect(store.runs.abandonStale()).toEqual([]);
    store.close();
  });

  it('gives up on a run from another host only after the TTL without a heartbeat', () => {
    let clock = Date.parse('2026-11-22T00:00:00.000Z');
    const store = openStore(path, { now: () => new Date(clock) });
    const run = store.runs.start({ dryRun: false, full: false });
    const raw = new DatabaseSync(path);
    raw.prepare("UPDATE runs SET host = 'far-away', pid = 1 WHERE id = ?").run(run);
    raw.close();
    clock += 5 * HOUR;
    store.runs.heartbeat(run);
    clock += 5 * HOUR;
    expect(store.runs.abandonStale()).toEqual([]);
    clock += 2 * HOUR;
    expect(store.runs.abandonStale()).toEqual([run]);
    store.close();
  });
});
