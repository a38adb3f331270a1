import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountRecord } from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
import { MIGRATIONS } from './migrations.ts';
import { openStore } from './state-store.ts';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spoc-store-'));
  path = join(dir, 'nested', 'state.db');
});

const record = (id: string, owner: string | null): AccountRecord => ({
  system: 'hubspot',
  id,
  name: `Customer ${id}`,
  domains: [`c${id}.example`],
  xrefs: { salesforceaccountid: null },
  roles: { account_owner: owner === null ? null : { id: owner }, csm: { email: 'x@acme.test' } },
  modifiedAt: '2026-01-01T00:00:00.000Z',
});

/** A pid that certainly belongs to no running process: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('state store', () => {
  it('creates its folder, migrates once, and refuses a database from a newer spoc', () => {
    openStore(path).close();
    openStore(path).close();
    const raw = new DatabaseSync(path);
    expect((raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(MIGRATIONS.length);
    raw.exec('PRAGMA user_version = 99');
    raw.close();
    expect(() => openStore(path)).toThrow(/newer spoc \(schema 99.*upgrade spoc/);
  });

  it('round-trips mirrored accounts exactly; a full read drops vanished records; written values show', () => {
    const store = openStore(path);
    store.upsertAccounts([record('1', '70'), record('2', null)]);
    expect(store.loadAccounts('hubspot')).toEqual([record('1', '70'), record('2', null)]);
    store.replaceAccounts('hubspot', [record('2', '71')]);
    expect(store.loadAccounts()).toEqual([record('2', '71')]);
    store.applyWrittenValues('hubspot', '2', 'account_owner', { id: '72' });
    expect(store.loadAccounts()[0]?.roles.account_owner).toEqual({ id: '72' });
    store.close();
  });

  it('keeps baselines and cursors across reopening', () => {
    const store = openStore(path);
    store.upsertBaseline([{ system: 'zendesk', recordId: '5', role: 'csm', value: 'a@x.io', at: 't1' }]);
    store.upsertBaseline([{ system: 'zendesk', recordId: '5', role: 'csm', value: null, at: 't2' }]);
    store.setCursor('hubspot', 'accounts', '{"ts":1}');
    store.close();
    const again = openStore(path);
    expect(again.loadBaseline().get(baselineKey('zendesk', '5', 'csm'))).toEqual({
      system: 'zendesk',
      recordId: '5',
      role: 'csm',
      value: null,
      at: 't2',
    });
    expect(again.getCursor('hubspot')).toBe('{"ts":1}');
    again.clearCursors();
    expect(again.getCursor('hubspot')).toBeNull();
    again.close();
  });

  it('records ownership history as transitions only, oldest first, findable by key or record id', () => {
    const store = openStore(path);
    const row = (email: string | null, runId: string, reason = 'observed') => ({
      account: 'salesforce:001A',
      role: 'account_owner',
      system: 'hubspot' as const,
      recordId: '1000',
      email,
      runId,
      reason,
      at: runId,
    });
    store.recordOwnership([row('a@x.io', 'r1')]);
    store.recordOwnership([row('a@x.io', 'r2')]);
    store.recordOwnership([row('b@x.io', 'r3', 'authority')]);
    expect(store.historyForAccount('salesforce:001A').map((r) => [r.email, r.runId, r.reason])).toEqual([
      ['a@x.io', 'r1', 'observed'],
      ['b@x.io', 'r3', 'authority'],
    ]);
    expect(store.historyAccounts('1000')).toEqual(['salesforce:001A']);
    expect(store.historyAccounts('salesforce:')).toEqual(['salesforce:001A']);
    store.close();
  });

  it('lets one run hold the lock, across connections, and reclaims a lock left by a dead process', () => {
    const a = openStore(path);
    const b = openStore(path);
    expect(a.acquireLock({ runId: 'r1', pid: process.pid, host: hostname() })).toEqual({ ok: true });
    const refused = b.acquireLock({ runId: 'r2', pid: process.pid, host: hostname() });
    expect(refused).toMatchObject({ ok: false, heldBy: { runId: 'r1', pid: process.pid } });
    a.releaseLock('r1');
    expect(b.acquireLock({ runId: 'r2', pid: deadPid(), host: hostname() })).toEqual({ ok: true });
    expect(a.acquireLock({ runId: 'r3', pid: process.pid, host: hostname() })).toEqual({ ok: true });
    a.close();
    b.close();
  });

  it('keeps intents of a batch killed before its results as pending until resolved', () => {
    const store = openStore(path);
    const run = store.startRun({ dryRun: false, full: true });
    const intent = {
      system: 'hubspot' as const,
      recordId: '1',
      role: 'account_owner',
      toEmail: 'b@x.io',
      toValue: { id: '71' },
      fromEmail: 'a@x.io',
    };
    const done = store.journalIntents(run, [intent, { ...intent, recordId: '2' }]);
    store.journalResults(done, [
      { recordId: '1', role: 'account_owner', ok: true },
      { recordId: '2', role: 'account_owner', ok: false, error: { code: 'X', kind: 'record', message: 'no' } },
    ]);
    store.journalIntents(run, [{ ...intent, recordId: '3' }]);
    store.close(); // the process dies here, before journalResults

    const next = openStore(path);
    const pending = next.pendingIntents();
    expect(pending).toEqual([{ ...intent, recordId: '3', id: expect.any(Number), runId: run }]);
    next.resolveIntents(
      pending.map((p) => p.id),
      'confirmed',
    );
    expect(next.pendingIntents()).toEqual([]);
    next.close();
  });

  it('marks a run left running by a dead process as interrupted', () => {
    const store = openStore(path);
    const run = store.startRun({ dryRun: false, full: false });
    new DatabaseSync(path).prepare('UPDATE runs SET pid = ? WHERE id = ?').run(deadPid(), run);
    expect(store.abandonStaleRuns()).toEqual([run]);
    expect(store.getRun(run)).toMatchObject({ status: 'failed', error: 'interrupted' });
    store.close();
  });
});
