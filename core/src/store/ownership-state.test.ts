import { beforeEach, describe, expect, it } from 'vitest';
import { overrideKey } from '../domain/types.ts';
import type { AccountRoleRow, PersonState } from './ownership-state.ts';
import { openStore, type StateLocation } from './state-store.ts';
import { storeBackends, tmpStorePath } from './store-testing.ts';

function row(
  n: number,
  role: string,
  status: AccountRoleRow['status'],
  owners: [string | null, string | null, string | null],
): AccountRoleRow {
  const [hubspot, salesforce, zendesk] = owners;
  const systems: AccountRoleRow['systems'] = { hubspot: { recordId: `h${n}`, owner: hubspot } };
  systems.salesforce = { recordId: `s${n}`, owner: salesforce };
  if (n % 2 === 0) systems.zendesk = { recordId: `z${n}`, owner: zendesk };
  return {
    account: `salesforce:s${n}`,
    role,
    name: n === 7 ? 'Acme_100% GmbH' : `Customer ${String(n).padStart(3, '0')}`,
    status,
    decided: salesforce,
    detail: null,
    systems,
    runId: 'r',
  };
}

const anna = 'anna@acme.test';
const bruno = 'bruno@acme.test';
const people: PersonState[] = [
  {
    email: anna,
    name: 'Anna',
    systems: {
      hubspot: { standing: 'active', id: 'h-a' },
      salesforce: { standing: 'active', id: 's-a' },
      zendesk: { standing: 'inactive', id: 'z-a' },
    },
    records: [{ system: 'zendesk', id: 'z-a', email: 'Anna@acme.test', active: false }],
  },
  {
    email: bruno,
    name: 'Bruno',
    systems: {
      hubspot: { standing: 'active', id: 'h-b' },
      salesforce: { standing: 'active', id: 's-b' },
      zendesk: { standing: 'absent', id: null },
    },
    records: [],
  },
];

let fresh: () => string | StateLocation = tmpStorePath;

function world() {
  const store = openStore(fresh());
  const runId = store.runs.start({ dryRun: false, full: false });
  const rows = Array.from({ length: 120 }, (_, i) =>
    i % 3 === 0 ? row(i, 'owner', 'drift', [bruno, anna, anna]) : row(i, 'owner', 'consistent', [anna, anna, anna]),
  );
  rows.push(row(500, 'csm', 'conflict', [bruno, anna, null]));
  store.ownership.save(runId, rows, people);
  return { store, runId, rows };
}

describe.each(storeBackends())('the $name store', (backend) => {
  beforeEach(() => {
    fresh = backend.fresh;
  });

  describe('ownership read model (console)', () => {
    it('round-trips a row: record ids and owners per system, absent systems absent', () => {
      const { store, rows } = world();
      expect(store.ownership.account('salesforce:s3')).toEqual([{ ...rows[3], runId: expect.any(String) }]);
      expect(store.ownership.account('salesforce:s3')[0]?.systems.zendesk).toBeUndefined();
    });

    it('filters by status, role, owner (any system or one system), system and search, paged with a total', () => {
      const { store } = world();
      const drift = store.ownership.list({ status: 'drift' }, { offset: 0, limit: 10 });
      expect(drift.total).toBe(40);
      expect(drift.rows).toHaveLength(10);
      expect(drift.rows.every((r) => r.status === 'drift')).toBe(true);
      const next = store.ownership.list({ status: 'drift' }, { offset: 10, limit: 10 });
      expect((next.rows[0]?.name ?? '') > (drift.rows[9]?.name ?? '~')).toBe(true);

      expect(store.ownership.list({ role: 'csm' }, { offset: 0, limit: 50 }).total).toBe(1);
      expect(store.ownership.list({ owner: ' Bruno@ACME.test ' }, { offset: 0, limit: 50 }).total).toBe(41);
      expect(store.ownership.list({ owner: bruno, system: 'salesforce' }, { offset: 0, limit: 50 }).total).toBe(0);
      expect(store.ownership.list({ system: 'zendesk' }, { offset: 0, limit: 200 }).total).toBe(61);
      // LIKE wildcards in the search are literal.
      expect(store.ownership.list({ search: '100%' }, { offset: 0, limit: 50 }).rows.map((r) => r.name)).toEqual([
        'Acme_100% GmbH',
      ]);
      expect(store.ownership.list({ search: 'salesforce:s11' }, { offset: 0, limit: 50 }).total).toBe(11);
    });

    it('a touched-only save replaces the rows of the accounts it names and keeps the others', () => {
      const { store, rows } = world();
      const runId = store.runs.start({ dryRun: false, full: false });
      // Account s3 (drift) is settled; s4 is gone (relinked into s5's account); s5 is decided again.
      const s3 = { ...row(3, 'owner', 'consistent', [anna, anna, anna]), runId };
      const s5 = { ...row(5, 'owner', 'consistent', [anna, anna, null]), runId };
      s5.systems.zendesk = { recordId: 'z4', owner: anna };
      store.ownership.save(runId, [s3, s5], people, new Set(['salesforce:s3', 'salesforce:s4', 'salesforce:s5']));
      expect(store.ownership.account('salesforce:s3')).toEqual([s3]);
      expect(store.ownership.account('salesforce:s4')).toEqual([]);
      expect(store.ownership.account('salesforce:s5')).toEqual([s5]);
      expect(store.ownership.account('salesforce:s6')).toEqual([{ ...rows[6], runId: expect.any(String) }]);
      expect(store.ownership.list({}, { offset: 0, limit: 500 }).total).toBe(120);
      expect(store.ownership.summary()).toContainEqual({ role: 'owner', status: 'drift', count: 39 });
    });

    it('counts the book outside some accounts, and lists the drifting accounts with their records', () => {
      const { store } = world();
      expect(store.ownership.bookExcept(new Set())).toEqual({ accounts: 121, inScope: 121 });
      expect(store.ownership.bookExcept(new Set(['salesforce:s0', 'salesforce:s500', 'hubspot:h0']))).toEqual({
        accounts: 119,
        inScope: 119,
      });
      const drifting = store.ownership.drifting();
      expect(drifting).toHaveLength(40);
      expect(
        drifting.find((d) => d.account === 'salesforce:s3')?.records.sort((a, b) => (a.system < b.system ? -1 : 1)),
      ).toEqual([
        { system: 'hubspot', recordId: 'h3' },
        { system: 'salesforce', recordId: 's3' },
      ]);
    });

    it('summarises per role and status, counts people by decided and held roles, and keeps a trend per run', () => {
      const { store } = world();
      expect(store.ownership.summary()).toEqual([
        { role: 'csm', status: 'conflict', count: 1 },
        { role: 'owner', status: 'consistent', count: 80 },
        { role: 'owner', status: 'drift', count: 40 },
      ]);
      const listed = store.ownership.people();
      expect(listed.map((p) => [p.email, p.decidedFor, p.holds])).toEqual([
        [anna, 121, 80 * 2 + 40 + 80 / 2 + 40 / 2 + 1],
        [bruno, 0, 41],
      ]);
      expect(store.ownership.people('BRU').map((p) => p.email)).toEqual([bruno]);
      expect(store.ownership.person(anna)?.systems.zendesk).toEqual({ standing: 'inactive', id: 'z-a' });
      expect(store.ownership.personRecords()).toEqual([
        { system: 'zendesk', id: 'z-a', email: 'Anna@acme.test', active: false },
      ]);
      expect(store.ownership.personRecords()).toEqual([
        { system: 'zendesk', id: 'z-a', email: 'Anna@acme.test', active: false },
      ]);

      const second = store.runs.start({ dryRun: false, full: false });
      store.ownership.save(second, [row(1, 'owner', 'consistent', [anna, anna, anna])], people);
      expect(store.ownership.trend().map((p) => [p.role, p.consistent, p.total])).toEqual([
        ['csm', 0, 1],
        ['owner', 80, 120],
        ['owner', 1, 1],
      ]);
      expect(store.ownership.list({}, { offset: 0, limit: 10 }).total).toBe(1);
    });
  });

  describe('admin actions and overrides', () => {
    it('a later action supersedes a pending override; applied ones leave the pending set; the audit keeps both', () => {
      const { store, runId } = world();
      const first = store.actions.record('settle', 'local', { account: 'salesforce:s3', role: 'owner', email: bruno }, [
        { account: 'salesforce:s3', role: 'owner', email: bruno, reason: 'settled', openTickets: false },
      ]);
      const second = store.actions.record('handover', 'token', { from: bruno, to: anna, openTickets: true }, [
        { account: 'salesforce:s3', role: 'owner', email: anna, reason: 'handover', openTickets: true },
        { account: 'salesforce:s6', role: 'owner', email: anna, reason: 'handover', openTickets: true },
      ]);
      expect(store.actions.pendingOverrides()).toEqual(
        new Map([
          [overrideKey('salesforce:s3', 'owner'), { email: anna, reason: 'handover', openTickets: true }],
          [overrideKey('salesforce:s6', 'owner'), { email: anna, reason: 'handover', openTickets: true }],
        ]),
      );
      store.actions.markApplied([{ account: 'salesforce:s3', role: 'owner' }], runId);
      expect([...store.actions.pendingOverrides().keys()]).toEqual([overrideKey('salesforce:s6', 'owner')]);

      const [latest, earlier] = store.actions.list();
      expect(latest).toMatchObject({ id: second, kind: 'handover', actor: 'token', status: 'pending' });
      expect(earlier).toMatchObject({ id: first, status: 'done', overrides: [{ outcome: 'superseded', runId: null }] });
      expect(store.actions.forAccount('salesforce:s6').map((a) => a.id)).toEqual([second]);
      expect(store.actions.forAccount('salesforce:s3').map((a) => a.id)).toEqual([second, first]);
      store.actions.markApplied([{ account: 'salesforce:s6', role: 'owner' }], runId);
      expect(store.actions.list()[0]).toMatchObject({ status: 'done' });
      expect(store.actions.list()[0]?.overrides.map((o) => [o.account, o.outcome, o.runId])).toEqual([
        ['salesforce:s3', 'applied', runId],
        ['salesforce:s6', 'applied', runId],
      ]);
    });
  });
});
