import { describe, expect, it } from 'vitest';
import { SYSTEMS, SYSTEMS_CONFIG } from '../../test/three-systems.ts';
import type { Policy, SpocConfig } from '../config/types.ts';
import type { AccountRecord, BaselineEntry, PersonRecord, SystemId, WriteResult } from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
import { advanceBaseline } from './advance-baseline.ts';
import { applyWrites } from './apply-writes.ts';
import { plan } from './plan.ts';

const NOW = new Date('2026-11-22T10:00:00Z');

function config(policy: Policy): SpocConfig {
  return {
    version: 1,
    file: 'spoc.yaml',
    ...SYSTEMS_CONFIG,
    enabledSystems: [...SYSTEMS],
    aliases: {},
    peopleRefreshMs: 0,
    link: [{ kind: 'xref', fields: { hubspot: 'sfid', zendesk: 'sfid' } }],
    roles: [
      {
        name: 'csm',
        fields: {
          hubspot: { field: 'csm', value: 'id' },
          salesforce: { field: 'CSM__c', value: 'id' },
          zendesk: { field: 'csm_email', value: 'email' },
        },
        policy,
        onUnresolvable: { kind: 'skip' },
        cascade: { contacts: false, openTickets: false },
      },
    ],
    safety: { maxChanges: { kind: 'absolute', value: 100 }, maxCascade: { kind: 'percent', value: 100 } },
    schedule: undefined,
    statePath: ':memory:',
    state: { sqlite: ':memory:' },
    tenant: 'test',
    notify: { consoleUrl: undefined, digestAbove: 20, alertOnFailuresAbove: 0, channels: [] },
  };
}

const people: PersonRecord[] = ['anna', 'bruno', 'chloe'].flatMap((n) =>
  SYSTEMS.map((system) => ({ system, id: `${system}-${n}`, email: `${n}@acme.test`, active: true })),
);

function customer(owners: Record<SystemId, string>): AccountRecord[] {
  return SYSTEMS.map((system) => ({
    system,
    id: system === 'salesforce' ? 'S1' : `${system}-1`,
    name: 'Acme',
    domains: [],
    xrefs: system === 'salesforce' ? {} : { sfid: 'S1' },
    roles: {
      csm: system === 'zendesk' ? { email: `${owners[system]}@acme.test` } : { id: `${system}-${owners[system]}` },
    },
    modifiedAt: null,
  }));
}

const ok = (recordId: string): WriteResult => ({ recordId, role: 'csm', ok: true });
const failed = (recordId: string): WriteResult => ({
  recordId,
  role: 'csm',
  ok: false,
  error: { code: 'VENDOR', kind: 'record', message: 'locked' },
});
const toMap = (entries: BaselineEntry[]) =>
  new Map(entries.map((e) => [baselineKey(e.system, e.recordId, e.role), e] as const));
const values = (entries: BaselineEntry[]) => entries.map((e) => [e.system, e.value]).sort();

/** advanceBaseline's entries as a list (it yields them one by one). */
const advanced = (...args: Parameters<typeof advanceBaseline>) => [...advanceBaseline(...args)];

describe('advanceBaseline', () => {
  it('a consistent role records the agreed value everywhere, once', () => {
    const snap = { people, accounts: customer({ hubspot: 'anna', salesforce: 'anna', zendesk: 'anna' }) };
    const cfg = config({ kind: 'authority', system: 'salesforce' });
    const p = plan(snap, new Map(), cfg, NOW);
    const entries = advanced(new Map(), p, [], NOW);
    expect(values(entries)).toEqual([
      ['hubspot', 'anna@acme.test'],
      ['salesforce', 'anna@acme.test'],
      ['zendesk', 'anna@acme.test'],
    ]);
    expect(entries.every((e) => e.at === NOW.toISOString())).toBe(true);
    // Nothing moved since: nothing to store.
    expect(advanced(toMap(entries), plan(snap, toMap(entries), cfg, NOW), [], NOW)).toEqual([]);
  });

  it('a failed write keeps the source unadvanced, so the next run retries exactly that write', () => {
    // Two-way: a human moved HubSpot to bruno since the last agreed state (anna).
    const agreed = toMap(
      advanced(
        new Map(),
        plan(
          { people, accounts: customer({ hubspot: 'anna', salesforce: 'anna', zendesk: 'anna' }) },
          new Map(),
          config({ kind: 'two-way', tieBreak: 'manual', order: ['salesforce', 'hubspot', 'zendesk'] }),
          NOW,
        ),
        [],
        NOW,
      ),
    );
    const cfg = config({ kind: 'two-way', tieBreak: 'manual', order: ['salesforce', 'hubspot', 'zendesk'] });
    const snap = { people, accounts: customer({ hubspot: 'bruno', salesforce: 'anna', zendesk: 'anna' }) };
    const p = plan(snap, agreed, cfg, NOW);
    expect(p.changes.map((c) => [c.system, c.to])).toEqual([
      ['salesforce', 'bruno@acme.test'],
      ['zendesk', 'bruno@acme.test'],
    ]);
    // Salesforce takes it, Zendesk fails.
    const entries = advanced(agreed, p, [ok('S1'), failed('zendesk-1')], NOW);
    expect(values(entries)).toEqual([['salesforce', 'bruno@acme.test']]);

    const after = applyWrites(snap, [p.changes[0] as (typeof p.changes)[number]], cfg.roles);
    const next = plan(after, new Map([...agreed, ...toMap(entries)]), cfg, NOW);
    expect(next.changes.map((c) => [c.system, c.from, c.to])).toEqual([
      ['zendesk', 'anna@acme.test', 'bruno@acme.test'],
    ]);
    // Zendesk's field holds emails: the write carries the email.
    expect(applyWrites(after, next.changes, cfg.roles).accounts.find((a) => a.system === 'zendesk')?.roles.csm).toEqual(
      {
        email: 'bruno@acme.test',
      },
    );
  });

  it('an unsettled conflict moves nothing', () => {
    const base = toMap(
      SYSTEMS.map((system) => ({
        system,
        recordId: system === 'salesforce' ? 'S1' : `${system}-1`,
        role: 'csm',
        value: 'anna@acme.test',
        at: 'earlier',
      })),
    );
    const snap = { people, accounts: customer({ hubspot: 'bruno', salesforce: 'chloe', zendesk: 'anna' }) };
    const p = plan(snap, base, config({ kind: 'two-way', tieBreak: 'manual', order: ['salesforce', 'hubspot'] }), NOW);
    expect(p.decisions[0]?.roles[0]?.status).toBe('conflict');
    expect(advanced(base, p, [], NOW)).toEqual([]);
  });

  it('a refused plan (nothing sent) only records roles that already agree', () => {
    const snap = {
      people,
      accounts: [
        ...customer({ hubspot: 'bruno', salesforce: 'anna', zendesk: 'anna' }),
        ...customer({ hubspot: 'chloe', salesforce: 'chloe', zendesk: 'chloe' }).map((a) => ({
          ...a,
          id: a.system === 'salesforce' ? 'S2' : `${a.system}-2`,
          xrefs: a.system === 'salesforce' ? {} : { sfid: 'S2' },
        })),
      ],
    };
    const p = plan(snap, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW);
    expect(p.changes.map((c) => c.recordId)).toEqual(['hubspot-1']);
    const entries = advanced(new Map(), p, [], NOW);
    expect(entries.map((e) => e.recordId).sort()).toEqual(['S2', 'hubspot-2', 'zendesk-2']);
  });
});
