import { describe, expect, it } from 'vitest';
import { SYSTEMS, SYSTEMS_CONFIG } from '../../test/three-systems.ts';
import type { LinkRule, Policy, RoleConfig, SpocConfig } from '../config/types.ts';
import type { AccountRecord, Baseline, BaselineEntry, PersonRecord, SystemId } from '../domain/types.ts';
import { baselineKey, overrideKey } from '../domain/types.ts';
import { plan } from './plan.ts';

const NOW = new Date('2026-11-22T10:00:00Z');
const LINK: LinkRule[] = [{ kind: 'xref', fields: { hubspot: 'sfid', zendesk: 'external_id' } }, { kind: 'domain' }];

function config(
  policy: Policy,
  extra: Partial<RoleConfig> = {},
  maxChanges: SpocConfig['safety']['maxChanges'] = { kind: 'percent', value: 100 },
): SpocConfig {
  return {
    version: 1,
    file: 'spoc.yaml',
    ...SYSTEMS_CONFIG,
    enabledSystems: [...SYSTEMS],
    aliases: { 'anna@old.io': 'anna@acme.test' },
    peopleRefreshMs: 0,
    link: LINK,
    roles: [
      {
        name: 'owner',
        fields: {
          hubspot: { field: 'o', value: 'id' },
          salesforce: { field: 'o', value: 'id' },
          zendesk: { field: 'o', value: 'id' },
        },
        policy,
        onUnresolvable: { kind: 'skip' },
        cascade: { contacts: false, openTickets: false },
        ...extra,
      },
    ],
    safety: { maxChanges, maxCascade: { kind: 'percent', value: 100 } },
    schedule: undefined,
    statePath: ':memory:',
    state: { sqlite: ':memory:' },
    tenant: 'test',
    notify: { consoleUrl: undefined, digestAbove: 20, alertOnFailuresAbove: 0, channels: [] },
  };
}

/** The same person in every system: id `<system>-<name>`. */
function person(name: string, inactiveIn: SystemId[] = []): PersonRecord[] {
  return SYSTEMS.map((system) => ({
    system,
    id: `${system}-${name}`,
    email: `${name}@acme.test`,
    active: !inactiveIn.includes(system),
  }));
}

function account(
  n: number,
  owners: Record<SystemId, string | null>,
  modified: Record<SystemId, string> = {},
): AccountRecord[] {
  return (Object.entries(owners) as [SystemId, string | null][]).map(([system, name]) => ({
    system,
    id: system === 'salesforce' ? `001${n}` : `${system}${n}`,
    name: `Customer ${n}`,
    domains: [`https://www.c${n}.example/about`],
    xrefs: system === 'salesforce' ? {} : { sfid: `001${n}`, external_id: `001${n}` },
    roles: { owner: name === null ? null : { id: `${system}-${name}` } },
    modifiedAt: modified[system] ?? '2026-01-01T00:00:00Z',
  }));
}

const people = [...person('anna'), ...person('bruno'), ...person('chloe', ['zendesk'])];

describe('plan: policies', () => {
  it('authority: the deciding system wins, the others follow, with from/to/reason', () => {
    const snap = { people, accounts: account(1, { salesforce: 'anna', hubspot: 'bruno', zendesk: 'anna' }) };
    const p = plan(snap, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW);
    expect(p.changes).toEqual([
      {
        account: 'salesforce:0011',
        accountName: 'Customer 1',
        role: 'owner',
        system: 'hubspot',
        recordId: 'hubspot1',
        from: 'bruno@acme.test',
        to: 'anna@acme.test',
        fromValue: { id: 'hubspot-bruno' },
        toId: 'hubspot-anna',
        reason: 'authority',
      },
    ]);
    expect(p.decisions[0]?.roles[0]).toMatchObject({ status: 'drift', decided: 'anna@acme.test' });
  });

  it('priority: the first system with a known person decides', () => {
    const snap = { people, accounts: account(1, { salesforce: null, hubspot: 'bruno', zendesk: 'anna' }) };
    const p = plan(snap, new Map(), config({ kind: 'priority', order: ['salesforce', 'hubspot', 'zendesk'] }), NOW);
    expect(p.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['salesforce', 'bruno@acme.test', 'priority'],
      ['zendesk', 'bruno@acme.test', 'priority'],
    ]);
  });

  it('two-way: the one system that changed since the baseline propagates; a conflict is settled by latest', () => {
    const base = baselineOf([
      ['salesforce', '0011', 'anna'],
      ['hubspot', 'hubspot1', 'anna'],
      ['zendesk', 'zendesk1', 'anna'],
    ]);
    const oneChanged = { people, accounts: account(1, { salesforce: 'anna', hubspot: 'bruno', zendesk: 'anna' }) };
    const tw = config({ kind: 'two-way', tieBreak: 'latest', order: ['salesforce', 'hubspot', 'zendesk'] });
    expect(plan(oneChanged, base, tw, NOW).changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['salesforce', 'bruno@acme.test', 'propagate'],
      ['zendesk', 'bruno@acme.test', 'propagate'],
    ]);

    const both = {
      people,
      accounts: account(
        1,
        { salesforce: 'chloe', hubspot: 'bruno', zendesk: 'anna' },
        { salesforce: '2026-03-01T00:00:00Z', hubspot: '2026-02-01T00:00:00Z' },
      ),
    };
    const p = plan(both, base, tw, NOW);
    expect(p.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['hubspot', 'chloe@acme.test', 'conflict:latest'],
    ]);
    // chloe is inactive in Zendesk: not written there, reported instead.
    expect(p.issues.map((i) => [i.kind, i.system ?? null])).toEqual([
      ['conflict', null],
      ['unresolvable', 'zendesk'],
    ]);
  });

  it('two-way manual: a conflict writes nothing and waits for a human', () => {
    const base = baselineOf([
      ['salesforce', '0011', 'anna'],
      ['hubspot', 'hubspot1', 'anna'],
    ]);
    const snap = { people, accounts: account(1, { salesforce: 'chloe', hubspot: 'bruno' }) };
    const p = plan(snap, base, config({ kind: 'two-way', tieBreak: 'manual', order: ['salesforce', 'hubspot'] }), NOW);
    expect(p.changes).toEqual([]);
    expect(p.decisions[0]?.roles[0]?.status).toBe('conflict');
    expect(p.issues[0]?.detail).toContain('salesforce=chloe@acme.test, hubspot=bruno@acme.test');
  });
});

describe('plan: people the target cannot take', () => {
  it('never writes an inactive person; the fallback stands in, or the gap is reported', () => {
    const snap = { people, accounts: account(1, { salesforce: 'chloe', hubspot: 'anna', zendesk: 'anna' }) };
    const skip = plan(snap, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW);
    expect(skip.changes.map((c) => [c.system, c.to])).toEqual([['hubspot', 'chloe@acme.test']]);
    expect(skip.issues).toEqual([
      expect.objectContaining({
        kind: 'unresolvable',
        system: 'zendesk',
        detail: 'chloe@acme.test is inactive in zendesk',
      }),
    ]);
    const withFallback = plan(
      snap,
      new Map(),
      config(
        { kind: 'authority', system: 'salesforce' },
        { onUnresolvable: { kind: 'fallback', email: 'Bruno@ACME.test' } },
      ),
      NOW,
    );
    expect(withFallback.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['hubspot', 'chloe@acme.test', 'authority'],
      ['zendesk', 'bruno@acme.test', 'fallback:inactive'],
    ]);
  });

  it('an owner id nobody knows is reported, not written', () => {
    const accounts = account(1, { salesforce: 'anna', hubspot: 'anna' });
    (accounts[0] as AccountRecord).roles.owner = { id: 'salesforce-ghost' };
    const p = plan({ people, accounts }, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW);
    expect(p.changes).toEqual([]);
    expect(p.issues).toContainEqual(
      expect.objectContaining({
        kind: 'unresolvable',
        detail: 'salesforce holds salesforce-ghost, not a known person',
      }),
    );
  });
});

describe('plan: linking', () => {
  it('links by cross-reference (15 and 18-character Salesforce ids) then by normalised domain', () => {
    const sf: AccountRecord = { ...base('salesforce', '001000000000001AAA'), domains: ['acme.com'] };
    const hs: AccountRecord = { ...base('hubspot', '10'), xrefs: { sfid: '001000000000001' }, domains: [] };
    const zd: AccountRecord = { ...base('zendesk', '20'), domains: ['HTTP://WWW.Acme.com:443/x'] };
    const p = plan(
      { people, accounts: [zd, hs, sf] },
      new Map(),
      config({ kind: 'authority', system: 'salesforce' }),
      NOW,
    );
    expect(p.decisions.map((d) => d.records)).toEqual([
      { salesforce: '001000000000001AAA', hubspot: '10', zendesk: '20' },
    ]);
  });

  it('reports an ambiguous link and skips the account instead of guessing', () => {
    const sf = { ...base('salesforce', '001A'), domains: ['acme.com'] };
    const hs1 = { ...base('hubspot', '10'), domains: ['acme.com'] };
    const hs2 = { ...base('hubspot', '11'), domains: ['www.acme.com'] };
    const p = plan(
      { people, accounts: [sf, hs1, hs2] },
      new Map(),
      config({ kind: 'authority', system: 'salesforce' }),
      NOW,
    );
    expect(p.changes).toEqual([]);
    expect(p.decisions).toEqual([]);
    expect(p.issues.filter((i) => i.kind === 'ambiguous').map((i) => i.detail)).toEqual([
      'domain acme.com matches hubspot:10, hubspot:11, salesforce:001A',
    ]);
  });

  it('lists accounts missing in a system', () => {
    const p = plan(
      { people, accounts: account(1, { salesforce: 'anna', hubspot: 'anna' }) },
      new Map(),
      config({ kind: 'authority', system: 'salesforce' }),
      NOW,
    );
    expect(p.issues).toEqual([
      expect.objectContaining({ kind: 'missing', system: 'zendesk', account: 'salesforce:0011' }),
    ]);
    expect(p.decisions[0]?.roles[0]?.status).toBe('missing');
  });
});

describe('plan: safety guard and cascades', () => {
  const drifted = {
    people,
    accounts: [1, 2, 3, 4].flatMap((n) => account(n, { salesforce: 'anna', hubspot: 'bruno' })),
  };
  it('refuses above maxChanges (absolute or percent) unless forced, still listing the changes', () => {
    const absolute = plan(
      drifted,
      new Map(),
      config({ kind: 'authority', system: 'salesforce' }, {}, { kind: 'absolute', value: 3 }),
      NOW,
    );
    expect(absolute.refused?.reason).toMatch(
      /^4 of 4 account-roles in scope would change owner, more than safety.maxChanges 3 /,
    );
    expect(absolute.changes).toHaveLength(4);
    const percent = config({ kind: 'authority', system: 'salesforce' }, {}, { kind: 'percent', value: 50 });
    expect(plan(drifted, new Map(), percent, NOW).refused?.reason).toMatch(
      /^4 of 4 account-roles in scope would change owner, more than safety.maxChanges 50% of 4 account-roles \(2\) /,
    );
    expect(plan(drifted, new Map(), percent, NOW, { force: true }).refused).toBeNull();
  });

  it('plans contact cascades and a ticket handover from the previous Zendesk POC', () => {
    const snap = { people, accounts: account(1, { salesforce: 'anna', hubspot: 'bruno', zendesk: 'bruno' }) };
    const p = plan(
      snap,
      new Map(),
      config({ kind: 'authority', system: 'salesforce' }, { cascade: { contacts: true, openTickets: true } }),
      NOW,
    );
    expect(p.cascades.map((c) => [c.kind, c.system, c.fromId, c.toId])).toEqual([
      ['contacts', 'hubspot', null, 'hubspot-anna'],
      ['openTickets', 'zendesk', 'zendesk-bruno', 'zendesk-anna'],
    ]);
  });
});

describe('plan: policies, more cases', () => {
  const tw = (tieBreak: 'priority' | 'latest' | 'manual') =>
    config({ kind: 'two-way', tieBreak, order: ['hubspot', 'salesforce', 'zendesk'] });

  it('priority passes over systems holding nobody, an unknown id, or someone inactive there', () => {
    const accounts = account(1, { salesforce: null, hubspot: 'chloe', zendesk: 'chloe' });
    const hub = accounts.find((a) => a.system === 'hubspot') as AccountRecord;
    hub.roles.owner = { id: 'hubspot-ghost' };
    // chloe is inactive in Zendesk: she cannot decide from there.
    const p = plan(
      { people, accounts },
      new Map(),
      config({ kind: 'priority', order: ['salesforce', 'hubspot', 'zendesk'] }),
      NOW,
    );
    expect(p.changes).toEqual([]);
    expect(p.issues).toEqual([
      expect.objectContaining({
        kind: 'unresolvable',
        role: 'owner',
        detail: 'no system in salesforce, hubspot, zendesk holds a known person',
      }),
    ]);
    expect(p.decisions[0]?.roles[0]).toMatchObject({ status: 'unresolvable', decided: null });
  });

  it('authority holding nobody: unresolvable, or the fallback everywhere (fallback:empty)', () => {
    const snap = { people, accounts: account(1, { salesforce: null, hubspot: 'bruno', zendesk: 'bruno' }) };
    const skip = plan(snap, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW);
    expect(skip.changes).toEqual([]);
    expect(skip.issues.map((i) => i.detail)).toEqual(['salesforce holds no owner']);
    const fb = plan(
      snap,
      new Map(),
      config(
        { kind: 'authority', system: 'salesforce' },
        { onUnresolvable: { kind: 'fallback', email: 'anna@acme.test' } },
      ),
      NOW,
    );
    expect(fb.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['hubspot', 'anna@acme.test', 'fallback:empty'],
      ['salesforce', 'anna@acme.test', 'fallback:empty'],
      ['zendesk', 'anna@acme.test', 'fallback:empty'],
    ]);
    expect(fb.issues).toEqual([]);
  });

  it('authority without a record of the account decides nothing', () => {
    const snap = { people, accounts: account(1, { hubspot: 'bruno', zendesk: 'anna' }) };
    const p = plan(snap, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW);
    expect(p.changes).toEqual([]);
    expect(p.issues.filter((i) => i.role === 'owner')).toEqual([
      {
        kind: 'missing',
        account: 'hubspot:hubspot1',
        accountName: 'Customer 1',
        role: 'owner',
        system: 'salesforce',
        detail: "salesforce, the role's authority, holds no record of this account: nothing decided, nothing written",
      },
    ]);
    expect(p.decisions[0]?.roles[0]).toMatchObject({ status: 'missing', decided: null });
  });

  it('authority naming someone who left: never propagated; the fallback stands in (fallback:inactive)', () => {
    const snap = { people, accounts: account(1, { salesforce: 'anna', hubspot: 'anna', zendesk: 'anna' }) };
    const left = people.map((p) =>
      p.email === 'anna@acme.test' && p.system === 'salesforce' ? { ...p, active: false } : p,
    );
    const cfg = config(
      { kind: 'authority', system: 'salesforce' },
      { onUnresolvable: { kind: 'fallback', email: 'bruno@acme.test' } },
    );
    const p = plan({ ...snap, people: left }, new Map(), cfg, NOW);
    expect(p.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['hubspot', 'bruno@acme.test', 'fallback:inactive'],
      ['salesforce', 'bruno@acme.test', 'fallback:inactive'],
      ['zendesk', 'bruno@acme.test', 'fallback:inactive'],
    ]);
  });

  it('two-way: systems with no baseline entry count as changed; tieBreak priority settles by order', () => {
    const snap = { people, accounts: account(1, { salesforce: 'anna', hubspot: 'bruno', zendesk: 'anna' }) };
    const p = plan(snap, new Map(), tw('priority'), NOW);
    expect(p.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['salesforce', 'bruno@acme.test', 'conflict:priority'],
      ['zendesk', 'bruno@acme.test', 'conflict:priority'],
    ]);
    expect(p.issues).toEqual([
      expect.objectContaining({
        kind: 'conflict',
        detail:
          'changed in several systems: hubspot=bruno@acme.test, salesforce=anna@acme.test, zendesk=anna@acme.test; settled by conflict:priority',
      }),
    ]);
    expect(p.decisions[0]?.roles[0]?.status).toBe('drift');
  });

  it('two-way latest: equal modification times fall back to the order', () => {
    const base = baselineOf([
      ['salesforce', '0011', 'anna'],
      ['hubspot', 'hubspot1', 'anna'],
    ]);
    const snap = {
      people,
      accounts: account(
        1,
        { salesforce: 'chloe', hubspot: 'bruno' },
        { salesforce: '2026-05-01T00:00:00.000+0000', hubspot: '2026-05-01T00:00:00Z' },
      ),
    };
    const p = plan(snap, base, tw('latest'), NOW);
    expect(p.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['salesforce', 'bruno@acme.test', 'conflict:latest'],
    ]);
  });

  it('two-way: nothing changed but the systems disagree → the last decision stands (a failed write is retried)', () => {
    // Last run decided bruno and wrote him to Salesforce; the Zendesk write failed, so
    // its entry still says anna; HubSpot's entry is where the change came from.
    const base = new Map<string, BaselineEntry>([
      [baselineKey('salesforce', '0011', 'owner'), entry('salesforce', '0011', 'bruno', 'bruno')],
      [baselineKey('hubspot', 'hubspot1', 'owner'), entry('hubspot', 'hubspot1', 'bruno', 'bruno')],
      [baselineKey('zendesk', 'zendesk1', 'owner'), entry('zendesk', 'zendesk1', 'anna', 'anna')],
    ]);
    const snap = { people, accounts: account(1, { salesforce: 'bruno', hubspot: 'bruno', zendesk: 'anna' }) };
    const p = plan(snap, base, tw('manual'), NOW);
    expect(p.changes.map((c) => [c.system, c.from, c.to])).toEqual([['zendesk', 'anna@acme.test', 'bruno@acme.test']]);
  });
});

describe('plan: targets, statuses and output', () => {
  it('a person unknown in the target gets the fallback there (fallback:unknown); if the fallback cannot be held either, it is reported', () => {
    const dana = [{ system: 'salesforce' as const, id: 'salesforce-dana', email: 'dana@acme.test', active: true }];
    const accounts = account(1, { salesforce: 'dana', hubspot: 'anna', zendesk: 'anna' });
    const withFallback = (email: string) =>
      config({ kind: 'authority', system: 'salesforce' }, { onUnresolvable: { kind: 'fallback', email } });
    const p = plan({ people: [...people, ...dana], accounts }, new Map(), withFallback('bruno@acme.test'), NOW);
    expect(p.changes.map((c) => [c.system, c.to, c.toId, c.reason])).toEqual([
      ['hubspot', 'bruno@acme.test', 'hubspot-bruno', 'fallback:unknown'],
      ['zendesk', 'bruno@acme.test', 'zendesk-bruno', 'fallback:unknown'],
    ]);
    // chloe, the fallback, is inactive in Zendesk.
    const q = plan({ people: [...people, ...dana], accounts }, new Map(), withFallback('chloe@acme.test'), NOW);
    expect(q.changes.map((c) => [c.system, c.to])).toEqual([['hubspot', 'chloe@acme.test']]);
    expect(q.issues).toEqual([
      expect.objectContaining({
        kind: 'unresolvable',
        system: 'zendesk',
        detail: 'dana@acme.test is not a user in zendesk; fallback chloe@acme.test cannot be written there either',
      }),
    ]);
  });

  it('a person whose email two active users share in the target is never written there', () => {
    const twins = [{ system: 'zendesk' as const, id: 'zendesk-anna-2', email: 'anna@acme.test', active: true }];
    const snap = { people: [...people, ...twins], accounts: account(1, { salesforce: 'anna', zendesk: 'bruno' }) };
    const p = plan(snap, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW);
    expect(p.changes).toEqual([]);
    expect(p.issues.filter((i) => i.kind !== 'missing')).toEqual([
      {
        kind: 'ambiguous-person',
        account: 'salesforce:0011',
        accountName: 'Customer 1',
        role: 'owner',
        system: 'zendesk',
        detail:
          'anna@acme.test is decided, whose email 2 zendesk users share (zendesk-anna, zendesk-anna-2) with all active: nothing written in zendesk',
      },
    ]);
  });

  it('a field holding the inactive twin of the decided person is moved to the active user', () => {
    const twins = [{ system: 'hubspot' as const, id: 'hubspot-anna-old', email: 'anna@acme.test', active: false }];
    const accounts = account(1, { salesforce: 'anna', hubspot: 'anna' });
    (accounts.find((a) => a.system === 'hubspot') as AccountRecord).roles.owner = { id: 'hubspot-anna-old' };
    const p = plan(
      { people: [...people, ...twins], accounts },
      new Map(),
      config({ kind: 'authority', system: 'salesforce' }),
      NOW,
    );
    expect(p.changes.map((c) => [c.system, c.fromValue, c.toId])).toEqual([
      ['hubspot', { id: 'hubspot-anna-old' }, 'hubspot-anna'],
    ]);
  });

  it('an email text field already holding the decided person (any case, any alias) needs no write', () => {
    const cfg = config({ kind: 'authority', system: 'salesforce' });
    (cfg.roles[0] as RoleConfig).fields.zendesk = { field: 'poc', value: 'email' };
    const accounts = account(1, { salesforce: 'anna', zendesk: 'anna' });
    (accounts.find((a) => a.system === 'zendesk') as AccountRecord).roles.owner = { email: ' ANNA@old.io' };
    const p = plan({ people, accounts }, new Map(), cfg, NOW);
    expect(p.changes).toEqual([]);
    expect(p.decisions[0]?.roles[0]).toMatchObject({
      owners: { salesforce: 'anna@acme.test', zendesk: 'anna@acme.test' },
      status: 'missing',
    });
  });

  it('status precedence per role: conflict > unresolvable > drift > missing > consistent', () => {
    const cfg = config({ kind: 'two-way', tieBreak: 'manual', order: ['salesforce', 'hubspot', 'zendesk'] });
    const base = baselineOf([
      ['salesforce', '0011', 'anna'],
      ['hubspot', 'hubspot1', 'anna'],
      ['zendesk', 'zendesk1', 'anna'],
      ['salesforce', '0012', 'anna'],
      ['hubspot', 'hubspot2', 'anna'],
      ['zendesk', 'zendesk2', 'anna'],
    ]);
    const snap = {
      people,
      accounts: [
        // 1: two systems changed to different people, manual → conflict
        ...account(1, { salesforce: 'bruno', hubspot: 'chloe', zendesk: 'anna' }),
        // 2: chloe propagates but is inactive in Zendesk → unresolvable (despite the HubSpot write)
        ...account(2, { salesforce: 'chloe', hubspot: 'anna', zendesk: 'anna' }),
        // 3: no baseline, systems differ only in emptiness → drift
        ...account(3, { salesforce: 'anna', hubspot: null, zendesk: 'anna' }),
        // 4: agreed, but no Zendesk record → missing
        ...account(4, { salesforce: 'bruno', hubspot: 'bruno' }),
        // 5: agreed everywhere → consistent
        ...account(5, { salesforce: 'anna', hubspot: 'anna', zendesk: 'anna' }),
      ],
    };
    const p = plan(snap, base, cfg, NOW);
    expect(p.decisions.map((d) => [d.account, d.roles[0]?.status, d.roles[0]?.decided])).toEqual([
      ['salesforce:0011', 'conflict', null],
      ['salesforce:0012', 'unresolvable', 'chloe@acme.test'],
      ['salesforce:0013', 'drift', 'anna@acme.test'],
      ['salesforce:0014', 'missing', 'bruno@acme.test'],
      ['salesforce:0015', 'consistent', 'anna@acme.test'],
    ]);
    expect(p.changes.map((c) => [c.account, c.system])).toEqual([
      ['salesforce:0012', 'hubspot'],
      ['salesforce:0013', 'hubspot'],
    ]);
    expect(p.issues.map((i) => [i.kind, i.account, i.system ?? null])).toEqual([
      ['conflict', 'salesforce:0011', null],
      ['missing', 'salesforce:0014', 'zendesk'],
      ['unresolvable', 'salesforce:0012', 'zendesk'],
    ]);
  });

  it('the percent guard allows exactly the limit', () => {
    const snap = {
      people,
      accounts: [1, 2, 3, 4].flatMap((n) => account(n, { salesforce: 'anna', hubspot: n <= 2 ? 'bruno' : 'anna' })),
    };
    const cfg = config({ kind: 'authority', system: 'salesforce' }, {}, { kind: 'percent', value: 50 });
    expect(plan(snap, new Map(), cfg, NOW).refused).toBeNull();
    const tighter = config({ kind: 'authority', system: 'salesforce' }, {}, { kind: 'percent', value: 49 });
    expect(plan(snap, new Map(), tighter, NOW).refused?.reason).toMatch(
      /^2 of 4 account-roles in scope would change owner, more than safety.maxChanges 49% of 4 account-roles \(1\)/,
    );
  });

  it('cascades only where they apply: contacts in HubSpot/Salesforce, tickets only from a known previous Zendesk POC', () => {
    const accounts = account(1, { salesforce: 'bruno', hubspot: 'anna', zendesk: 'anna' });
    (accounts.find((a) => a.system === 'zendesk') as AccountRecord).roles.owner = { id: 'zendesk-ghost' };
    const p = plan(
      { people, accounts },
      new Map(),
      config({ kind: 'authority', system: 'salesforce' }, { cascade: { contacts: true, openTickets: true } }),
      NOW,
    );
    expect(p.changes.map((c) => c.system)).toEqual(['hubspot', 'zendesk']);
    expect(p.cascades).toEqual([
      {
        kind: 'contacts',
        system: 'hubspot',
        account: 'salesforce:0011',
        recordId: 'hubspot1',
        role: 'owner',
        fromId: null,
        toId: 'hubspot-bruno',
      },
    ]);
  });

  it('is byte-identical for shuffled inputs and any order of role fields in the config', () => {
    const snap = {
      people,
      accounts: [
        ...account(2, { salesforce: 'anna', hubspot: 'bruno' }),
        ...account(1, { zendesk: 'chloe', hubspot: 'anna', salesforce: 'bruno' }),
      ],
    };
    const a = config({ kind: 'authority', system: 'salesforce' }, { cascade: { contacts: true, openTickets: true } });
    const b = config({ kind: 'authority', system: 'salesforce' }, { cascade: { contacts: true, openTickets: true } });
    const role = b.roles[0] as RoleConfig;
    role.fields = {
      zendesk: role.fields.zendesk,
      salesforce: role.fields.salesforce,
      hubspot: role.fields.hubspot,
    } as RoleConfig['fields'];
    const first = JSON.stringify(plan(snap, new Map(), a, NOW));
    const second = JSON.stringify(
      plan({ people: [...people].reverse(), accounts: [...snap.accounts].reverse() }, new Map(), b, NOW),
    );
    expect(second).toBe(first);
  });
});

function entry(system: SystemId, recordId: string, value: string, decided: string): BaselineEntry {
  return { system, recordId, role: 'owner', value: `${value}@acme.test`, at: 't', decided: `${decided}@acme.test` };
}

function base(system: SystemId, id: string): AccountRecord {
  return { system, id, name: `N${id}`, domains: [], xrefs: {}, roles: { owner: null }, modifiedAt: null };
}

function baselineOf(rows: [SystemId, string, string | null][]): Baseline {
  return new Map(
    rows.map(([system, recordId, name]) => [
      baselineKey(system, recordId, 'owner'),
      { system, recordId, role: 'owner', value: name === null ? null : `${name}@acme.test`, at: 't' },
    ]),
  );
}

describe('plan: admin overrides (console settle / handover)', () => {
  const manual = config({ kind: 'two-way', tieBreak: 'manual', order: ['salesforce', 'hubspot'] });
  const conflicted = {
    base: baselineOf([
      ['salesforce', '0011', 'anna'],
      ['hubspot', 'hubspot1', 'anna'],
    ]),
    snap: { people, accounts: account(1, { salesforce: 'chloe', hubspot: 'bruno', zendesk: 'anna' }) },
  };
  const settle = (email: string, openTickets = false) =>
    new Map([[overrideKey('salesforce:0011', 'owner'), { email, reason: 'settled' as const, openTickets }]]);

  it('a settled conflict is written everywhere with reason settled, and the plan names the override', () => {
    const p = plan(conflicted.snap, conflicted.base, manual, NOW, { overrides: settle('bruno@acme.test') });
    expect(p.changes.map((c) => [c.system, c.from, c.to, c.reason])).toEqual([
      ['salesforce', 'chloe@acme.test', 'bruno@acme.test', 'settled'],
      ['zendesk', 'anna@acme.test', 'bruno@acme.test', 'settled'],
    ]);
    expect(p.decisions[0]?.roles[0]).toMatchObject({ status: 'drift', decided: 'bruno@acme.test' });
    expect(p.overridden).toEqual([overrideKey('salesforce:0011', 'owner')]);
    expect(p.issues.filter((i) => i.kind === 'conflict')).toEqual([]);
  });

  it('overrides the authority too, and only the account it names', () => {
    const snap = {
      people,
      accounts: [...account(1, { salesforce: 'anna', hubspot: 'anna' }), ...account(2, { salesforce: 'anna' })],
    };
    const p = plan(snap, new Map(), config({ kind: 'authority', system: 'salesforce' }), NOW, {
      overrides: settle('bruno@acme.test'),
    });
    expect(p.changes.map((c) => [c.account, c.system, c.to])).toEqual([
      ['salesforce:0011', 'hubspot', 'bruno@acme.test'],
      ['salesforce:0011', 'salesforce', 'bruno@acme.test'],
    ]);
  });

  it('a chosen owner nobody knows is reported unresolvable and nothing is written', () => {
    const p = plan(conflicted.snap, conflicted.base, manual, NOW, { overrides: settle('ghost@acme.test') });
    expect(p.changes).toEqual([]);
    expect(p.decisions[0]?.roles[0]?.status).toBe('unresolvable');
    expect(p.issues[0]?.detail).toContain('ghost@acme.test, chosen by an admin, is not a user of any system');
  });

  it('still never writes someone inactive in a target (chloe left Zendesk): reported there', () => {
    const p = plan(conflicted.snap, conflicted.base, manual, NOW, { overrides: settle('chloe@acme.test') });
    expect(p.changes.map((c) => c.system)).toEqual(['hubspot']);
    expect(p.decisions[0]?.roles[0]?.status).toBe('unresolvable');
  });

  it('moves open tickets when the action asks, even if the role does not cascade', () => {
    const p = plan(conflicted.snap, conflicted.base, manual, NOW, { overrides: settle('bruno@acme.test', true) });
    expect(p.cascades.map((c) => [c.kind, c.fromId, c.toId])).toEqual([
      ['openTickets', 'zendesk-anna', 'zendesk-bruno'],
    ]);
  });

  it('a handover of many accounts does not trip the safety guard; policy changes still count', () => {
    const snap = { people, accounts: [1, 2, 3, 4].flatMap((n) => account(n, { salesforce: 'anna', hubspot: 'anna' })) };
    const handover = new Map(
      [1, 2, 3, 4].map((n) => [
        overrideKey(`salesforce:001${n}`, 'owner'),
        { email: 'bruno@acme.test', reason: 'handover' as const, openTickets: false },
      ]),
    );
    const strict = config({ kind: 'authority', system: 'salesforce' }, {}, { kind: 'absolute', value: 1 });
    const p = plan(snap, new Map(), strict, NOW, { overrides: handover });
    expect(p.changes).toHaveLength(8);
    expect(p.refused).toBeNull();
    const drifted = {
      people,
      accounts: [
        ...snap.accounts,
        ...account(5, { salesforce: 'anna', hubspot: 'bruno' }),
        ...account(6, { salesforce: 'anna', hubspot: 'bruno' }),
      ],
    };
    expect(plan(drifted, new Map(), strict, NOW, { overrides: handover }).refused?.reason).toMatch(
      /^2 of 6 account-roles in scope would change owner, more than safety.maxChanges 1 /,
    );
  });
});

describe('plan: never a write without a decision', () => {
  const fallbackTo = (email: string) => ({ onUnresolvable: { kind: 'fallback' as const, email } });

  it('authority + fallback: an account the authority does not hold keeps its owners and is reported missing', () => {
    // A company that exists only in HubSpot and Zendesk: Salesforce decided nothing about it.
    const snap = { people, accounts: account(1, { hubspot: 'bruno', zendesk: 'chloe' }) };
    const cfg = config({ kind: 'authority', system: 'salesforce' }, fallbackTo('anna@acme.test'));
    const p = plan(snap, new Map(), cfg, NOW);
    expect(p.changes).toEqual([]);
    expect(p.issues.filter((i) => i.role === 'owner').map((i) => [i.kind, i.system])).toEqual([
      ['missing', 'salesforce'],
    ]);
    expect(p.decisions[0]?.roles[0]).toMatchObject({ status: 'missing', decided: null });
  });

  it('authority + fallback: the fallback still stands in where the authority holds the record with no owner', () => {
    const snap = { people, accounts: account(1, { salesforce: null, hubspot: 'bruno' }) };
    const cfg = config({ kind: 'authority', system: 'salesforce' }, fallbackTo('anna@acme.test'));
    expect(plan(snap, new Map(), cfg, NOW).changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['hubspot', 'anna@acme.test', 'fallback:empty'],
      ['salesforce', 'anna@acme.test', 'fallback:empty'],
    ]);
  });

  it('priority + fallback: no write when none of the listed systems holds the account', () => {
    const snap = { people, accounts: account(1, { zendesk: 'bruno' }) };
    const cfg = config({ kind: 'priority', order: ['salesforce', 'hubspot'] }, fallbackTo('anna@acme.test'));
    const p = plan(snap, new Map(), cfg, NOW);
    expect(p.changes).toEqual([]);
    expect(p.issues.filter((i) => i.role === 'owner').map((i) => [i.kind, i.system])).toEqual([
      ['missing', 'hubspot'],
      ['missing', 'salesforce'],
    ]);
    // One listed system holding the record with no known owner is enough for the fallback.
    const held = { people, accounts: account(1, { hubspot: null, zendesk: 'bruno' }) };
    expect(plan(held, new Map(), cfg, NOW).changes.map((c) => [c.system, c.to])).toEqual([
      ['hubspot', 'anna@acme.test'],
      ['zendesk', 'anna@acme.test'],
    ]);
  });

  it("a duplicated user in the authority re-owns nothing: the person is decided, the authority's record is left alone", () => {
    // Bruno was re-created in Salesforce: two active Users share his email.
    const twin: PersonRecord = {
      system: 'salesforce',
      id: 'salesforce-bruno-2',
      email: 'bruno@acme.test',
      active: true,
    };
    const book = [1, 2, 3].flatMap((n) => account(n, { salesforce: 'bruno', hubspot: 'bruno', zendesk: 'anna' }));
    const cfg = config({ kind: 'authority', system: 'salesforce' }, fallbackTo('anna@acme.test'));
    const p = plan({ people: [...people, twin], accounts: book }, new Map(), cfg, NOW);
    // Bruno is still Bruno in HubSpot and Zendesk: Zendesk follows the authority, nothing gets the fallback.
    expect(p.changes.map((c) => [c.account, c.system, c.to, c.reason])).toEqual([
      ['salesforce:0011', 'zendesk', 'bruno@acme.test', 'authority'],
      ['salesforce:0012', 'zendesk', 'bruno@acme.test', 'authority'],
      ['salesforce:0013', 'zendesk', 'bruno@acme.test', 'authority'],
    ]);
    expect(p.decisions.map((d) => d.roles[0]?.decided)).toEqual([
      'bruno@acme.test',
      'bruno@acme.test',
      'bruno@acme.test',
    ]);
  });

  it('a duplicated user that holds nothing usable in the authority: an ambiguous-person issue naming both ids, no write', () => {
    const twins: PersonRecord[] = [
      { system: 'salesforce', id: 'salesforce-bruno', email: 'bruno@acme.test', active: false },
      { system: 'salesforce', id: 'salesforce-bruno-2', email: 'bruno@acme.test', active: false },
    ];
    const others = people.filter((x) => !(x.system === 'salesforce' && x.email === 'bruno@acme.test'));
    const cfg = config({ kind: 'authority', system: 'salesforce' }, fallbackTo('anna@acme.test'));
    const p = plan(
      { people: [...others, ...twins], accounts: account(1, { salesforce: 'bruno', hubspot: 'chloe' }) },
      new Map(),
      cfg,
      NOW,
    );
    expect(p.changes).toEqual([]);
    expect(p.issues.filter((i) => i.kind === 'ambiguous-person')).toEqual([
      {
        kind: 'ambiguous-person',
        account: 'salesforce:0011',
        accountName: 'Customer 1',
        role: 'owner',
        system: 'salesforce',
        detail:
          'salesforce holds bruno@acme.test, whose email 2 salesforce users share (salesforce-bruno, salesforce-bruno-2) with none active; nothing decided, nothing written',
      },
    ]);
  });

  it('a fallback stand-in has its own status: fallback, not consistent, not drift', () => {
    // Chloe owns it in Salesforce but is inactive in Zendesk, where the fallback stands in.
    const cfg = config({ kind: 'authority', system: 'salesforce' }, fallbackTo('anna@acme.test'));
    const before = { people, accounts: account(1, { salesforce: 'chloe', hubspot: 'chloe', zendesk: 'bruno' }) };
    const planned = plan(before, new Map(), cfg, NOW);
    expect(planned.changes.map((c) => [c.system, c.to, c.reason])).toEqual([
      ['zendesk', 'anna@acme.test', 'fallback:inactive'],
    ]);
    expect(planned.decisions[0]?.roles[0]).toMatchObject({ status: 'drift', settled: 'fallback' });
    const after = { people, accounts: account(1, { salesforce: 'chloe', hubspot: 'chloe', zendesk: 'anna' }) };
    expect(plan(after, new Map(), cfg, NOW).decisions[0]?.roles[0]).toMatchObject({
      status: 'fallback',
      decided: 'chloe@acme.test',
    });
  });

  it('a fallback that is nobody is a config issue, reported even when no account needs it', () => {
    const cfg = config({ kind: 'authority', system: 'salesforce' }, fallbackTo('nobody@acme.test'));
    const p = plan({ people, accounts: account(1, { salesforce: 'anna', hubspot: 'anna' }) }, new Map(), cfg, NOW);
    expect(p.issues.filter((i) => i.kind === 'config')).toEqual([
      {
        kind: 'config',
        account: '',
        role: 'owner',
        detail:
          'roles.owner.onUnresolvable.fallback nobody@acme.test is not a user of any system: nothing stands in where the owner cannot be written',
      },
    ]);
  });
});

describe('plan: the safety guard counts account-roles', () => {
  const authority = (maxChanges: SpocConfig['safety']['maxChanges']) =>
    config({ kind: 'authority', system: 'salesforce' }, {}, maxChanges);
  // Customer 1 changes in HubSpot and Zendesk: one account-role, written twice.
  const snap = {
    people,
    accounts: [
      ...account(1, { salesforce: 'anna', hubspot: 'bruno', zendesk: 'bruno' }),
      ...account(2, { salesforce: 'anna', hubspot: 'anna', zendesk: 'anna' }),
    ],
  };

  it('one account re-owned in several systems counts once', () => {
    const p = plan(snap, new Map(), authority({ kind: 'absolute', value: 1 }), NOW);
    expect(p.changes).toHaveLength(2);
    expect(p.scope).toEqual({ changing: 1, inScope: 2 });
    expect(p.refused).toBeNull();
  });

  it('100% never refuses, 0 refuses any change, and a refusal says both numbers and what they count', () => {
    const all = {
      people,
      accounts: [1, 2, 3].flatMap((n) => account(n, { salesforce: 'anna', hubspot: 'bruno', zendesk: 'bruno' })),
    };
    expect(plan(all, new Map(), authority({ kind: 'percent', value: 100 }), NOW).refused).toBeNull();
    expect(plan(all, new Map(), authority({ kind: 'absolute', value: 0 }), NOW).refused?.reason).toBe(
      '3 of 3 account-roles in scope would change owner, more than safety.maxChanges 0 (an account-role is one role of one account, however many systems it is written in)',
    );
    expect(plan(all, new Map(), authority({ kind: 'percent', value: 50 }), NOW).refused?.reason).toMatch(
      /^3 of 3 account-roles in scope would change owner, more than safety.maxChanges 50% of 3 account-roles \(1\)/,
    );
    const noChange = { people, accounts: account(1, { salesforce: 'anna', hubspot: 'anna' }) };
    expect(plan(noChange, new Map(), authority({ kind: 'absolute', value: 0 }), NOW).refused).toBeNull();
  });
});
