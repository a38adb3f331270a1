import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.ts';
import { openStore } from './state-store.ts';

// core/test/fixtures/round-one-state.db was written by the round-one code (commit 59ccaf1, schema 5):
// a demo sync against the sandbox, then an admin's settle waiting for the next sync, a run
// killed with one write intent unsettled, and the cursors and connection checks of three
// systems. Upgrading it must keep every one of them. core/test/fixtures/make-round-one-state.ts
// rebuilds it from that commit.
const FIXTURE = new URL('../../test/fixtures/round-one-state.db', import.meta.url);

function copy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-r1-')), 'state.db');
  copyFileSync(FIXTURE, path);
  return path;
}

function rows(path: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('a round-one state file', () => {
  it('upgrades without losing baselines, history, cursors, runs, admin actions or the intent journal', () => {
    const path = copy();
    const before = {
      version: rows(path, 'PRAGMA user_version')[0]?.user_version,
      baselines: rows(path, 'SELECT * FROM baselines ORDER BY system, record_id, role'),
      history: rows(
        path,
        'SELECT seq, account, role, system, record_id, email, run_id, reason, at FROM ownership ORDER BY seq',
      ),
      cursors: rows(path, 'SELECT system, kind, cursor FROM cursors ORDER BY system, kind'),
      runs: rows(path, 'SELECT id, status, error FROM runs ORDER BY id'),
      actions: rows(path, 'SELECT * FROM actions ORDER BY id'),
      overrides: rows(path, 'SELECT * FROM overrides ORDER BY action_id'),
      intents: rows(path, 'SELECT * FROM intents ORDER BY id'),
      // Round one kept each system's record and owner in a pair of columns.
      held: rows(
        path,
        `SELECT account, role, 'hubspot' AS system, hubspot_id AS record_id, hubspot_owner AS owner FROM account_roles WHERE hubspot_id IS NOT NULL
         UNION ALL SELECT account, role, 'salesforce', salesforce_id, salesforce_owner FROM account_roles WHERE salesforce_id IS NOT NULL
         UNION ALL SELECT account, role, 'zendesk', zendesk_id, zendesk_owner FROM account_roles WHERE zendesk_id IS NOT NULL
         ORDER BY account, role, system`,
      ),
    };
    expect(before.version).toBe(5);
    expect(before.baselines.length).toBeGreaterThan(100);
    expect(before.intents.filter((i) => i.outcome === null)).toHaveLength(1);

    const store = openStore(path);
    expect(rows(path, 'PRAGMA user_version')[0]?.user_version).toBe(MIGRATIONS.length);
    expect(rows(path, 'SELECT * FROM baselines ORDER BY system, record_id, role')).toEqual(before.baselines);
    expect(
      rows(path, 'SELECT seq, account, role, system, record_id, email, run_id, reason, at FROM ownership ORDER BY seq'),
    ).toEqual(before.history);
    expect(rows(path, 'SELECT system, kind, cursor FROM cursors ORDER BY system, kind')).toEqual(before.cursors);
    expect(rows(path, 'SELECT id, status, error FROM runs ORDER BY id')).toEqual(before.runs);
    expect(rows(path, 'SELECT * FROM actions ORDER BY id')).toEqual(before.actions);
    expect(rows(path, 'SELECT * FROM overrides ORDER BY action_id')).toEqual(before.overrides);
    expect(rows(path, 'SELECT * FROM intents ORDER BY id')).toEqual(before.intents);
    expect(
      rows(
        path,
        'SELECT account, role, system, record_id, owner FROM account_role_systems ORDER BY account, role, system',
      ),
    ).toEqual(before.held);

    // And the store reads them as the new code means them.
    const [override] = before.overrides as { account: string; role: string; email: string }[];
    expect(store.actions.pendingOverrides().get(`${override?.account}\u0000${override?.role}`)).toMatchObject({
      email: override?.email,
      reason: 'settled',
    });
    expect(store.journal.pending().map((i) => [i.system, i.recordId, i.role, i.toEmail])).toEqual([
      ['hubspot', '1000001', 'csm', 'bruno.schmidt@acme.test'],
    ]);
    const first = before.held[0] as { account: string; system: string; record_id: string };
    const listed = store.ownership.account(first.account);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed[0]?.systems[first.system]?.recordId).toBe(first.record_id);
    expect(store.history.findAccounts(first.record_id).map((a) => a.account)).toContain(first.account);
    expect(store.baselines.lookup().get(`hubspot\u00001000000\u0000account_owner`)).toBeDefined();
    store.close();
  });
});
