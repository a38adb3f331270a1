import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { RunOutcome } from './run-log.ts';
import { openStore } from './state-store.ts';
import { storeBackends } from './store-testing.ts';

const stats = (calls: number, retries = 0, throttled = 0) => ({ calls, retries, throttled });
const change = (system: string, role: string, result: 'planned' | 'written' | 'failed') => ({ system, role, result });

describe.each(storeBackends())('what the runs add up to ($name)', (backend) => {
  it('totals outcomes, changes per system, role and result, vendor calls and durations over every finished run', () => {
    let clock = Date.parse('2026-11-22T10:00:00.000Z');
    const store = openStore(backend.fresh(), { now: () => new Date(clock) });
    const run = (status: 'ok' | 'partial' | 'refused' | 'failed', outcome: RunOutcome, dryRun = false) => {
      const id = store.runs.start({ dryRun, full: false });
      clock += outcome.durationMs;
      store.runs.finish(id, status, { accounts: 10 }, status === 'failed' ? 'it broke' : undefined, outcome);
      clock += 60_000;
      return id;
    };
    run('ok', {
      durationMs: 4_000,
      calls: { crm: stats(5, 1, 1), desk: stats(3) },
      changes: [change('crm', 'owner', 'written'), change('crm', 'owner', 'written'), change('desk', 'csm', 'failed')],
    });
    // A refused plan's changes were never sent: counted as planned.
    run('refused', { durationMs: 2_000, calls: { crm: stats(2) }, changes: [change('crm', 'owner', 'planned')] });
    // A dry run calls the vendors (counted) but its plan is no change (not counted).
    run('ok', { durationMs: 1_000, calls: { crm: stats(1) }, changes: [change('crm', 'owner', 'planned')] }, true);
    const failed = run('failed', {
      durationMs: 500,
      calls: { crm: stats(1, 3, 3) },
      changes: [],
      error: { code: 'CRM_AUTH', system: 'crm' },
    });
    store.runs.start({ dryRun: false, full: false }); // still running: not counted anywhere

    expect(store.metrics.runsByStatus()).toEqual([
      { status: 'failed', dryRun: false, count: 1 },
      { status: 'ok', dryRun: false, count: 1 },
      { status: 'ok', dryRun: true, count: 1 },
      { status: 'refused', dryRun: false, count: 1 },
    ]);
    expect(store.metrics.changeTotals()).toEqual([
      { system: 'crm', role: 'owner', result: 'planned', count: 1 },
      { system: 'crm', role: 'owner', result: 'written', count: 2 },
      { system: 'desk', role: 'csm', result: 'failed', count: 1 },
    ]);
    expect(store.metrics.callTotals()).toEqual([
      { system: 'crm', calls: 9, retries: 4, throttled: 4 },
      { system: 'desk', calls: 3, retries: 0, throttled: 0 },
    ]);
    expect(store.metrics.syncDurationsMs().sort((a, b) => a - b)).toEqual([500, 2_000, 4_000]);
    expect(store.metrics.lastSync()).toMatchObject({ id: failed, status: 'failed', durationMs: 500 });
    expect(store.metrics.lastSync('ok')).toMatchObject({ status: 'ok', dryRun: false, durationMs: 4_000 });
    expect(store.metrics.lastReach()).toMatchObject({ id: failed, errorCode: 'CRM_AUTH', errorSystem: 'crm' });
    expect(store.runs.get(failed)?.durationMs).toBe(500);
    store.close();
  });

  it('reads past a run refused the lock (it reached no system) and one found interrupted for what the systems said', () => {
    const store = openStore(backend.fresh());
    const reached = store.runs.start({ dryRun: true, full: false });
    store.runs.finish(reached, 'ok', { accounts: 3 }, undefined, { durationMs: 10, calls: {}, changes: [] });
    const locked = store.runs.start({ dryRun: false, full: false });
    store.runs.finish(locked, 'refused', { accounts: 0 }, 'another run holds the lock', {
      durationMs: 1,
      calls: {},
      changes: [],
    });
    expect(store.metrics.lastReach()?.id).toBe(reached);
    // A guard refusal read every system: it counts.
    const guarded = store.runs.start({ dryRun: false, full: false });
    store.runs.finish(guarded, 'refused', { accounts: 3 }, 'too many changes', {
      durationMs: 1,
      calls: {},
      changes: [],
    });
    expect(store.metrics.lastReach()?.id).toBe(guarded);
    store.close();
  });
});

describe('what the runs add up to, from an older state file', () => {
  it('a state file from before schema 9 gets its runs’ durations and change tallies from their times and audit', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'spoc-r1-')), 'state.db');
    copyFileSync(new URL('../../test/fixtures/round-one-state.db', import.meta.url), path);
    const old = new DatabaseSync(path, { readOnly: true });
    const audit = old
      .prepare(
        `SELECT c.system, c.role, c.result, COUNT(*) AS count FROM changes c JOIN runs r ON r.id = c.run_id
         WHERE r.dry_run = 0 GROUP BY c.system, c.role, c.result ORDER BY c.system, c.role, c.result`,
      )
      .all();
    const finished = old
      .prepare("SELECT id FROM runs WHERE status != 'running' AND error IS NOT 'interrupted' AND dry_run = 0")
      .all();
    old.close();
    expect(audit.length).toBeGreaterThan(0);

    const store = openStore(path, { backups: false });
    expect(store.metrics.changeTotals()).toEqual(audit);
    expect(store.metrics.syncDurationsMs()).toHaveLength(finished.length);
    expect(store.metrics.syncDurationsMs().every((ms) => ms >= 0)).toBe(true);
    // Their calls were never kept.
    expect(store.metrics.callTotals()).toEqual([]);
    store.close();
  });
});
