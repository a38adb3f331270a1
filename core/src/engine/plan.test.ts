import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkRule, Policy, RoleConfig, SpocConfig } from '../config/types.ts';
import type {
  AccountRecord,
  Baseline,
  BaselineEntry,
  OwnerValue,
  PersonRecord,
  Snapshot,
  SystemId,
  WriteResult,
} from '../domain/types.ts';
import { baselineKey, SYSTEMS } from '../domain/types.ts';
import { advanceBaseline } from './advance-baseline.ts';
import { applyWrites } from './apply-writes.ts';
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
    systems: {},
    enabledSystems: [...SYSTEMS],
    aliases: { 'anna@old.io': 'anna@acme.test' },
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
    safety: { maxChanges },
    schedule: undefined,
    statePath: ':memory:',
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
  owners: Partial<Record<SystemId, string | null>>,
  modified: Partial<Record<SystemId, string>> = {},
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
    expect(absolute.refused?.reason).toBe('4 changes exceed safety.maxChanges 3');
    expect(absolute.changes).toHaveLength(4);
    const percent = config({ kind: 'authority', system: 'salesforce' }, {}, { kind: 'percent', value: 50 });
    expect(plan(drifted, new Map(), percent, NOW).refused?.reason).toBe(
      '4 changes exceed safety.maxChanges 50% of 4 accounts',
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

// ---------------------------------------------------------------------------------
// Properties over random worlds: 1–4 accounts present in random systems, four people
// with random active flags per system, random owners (some unknown), random baselines.

const NAMES = ['anna', 'bruno', 'chloe', 'david'];
const policyArb: fc.Arbitrary<Policy> = fc.oneof(
  fc.constantFrom(...SYSTEMS).map((system): Policy => ({ kind: 'authority', system })),
  fc
    .shuffledSubarray([...SYSTEMS], { minLength: 3, maxLength: 3 })
    .map((order): Policy => ({ kind: 'priority', order })),
  fc
    .record({
      tieBreak: fc.constantFrom('priority' as const, 'latest' as const, 'manual' as const),
      order: fc.shuffledSubarray([...SYSTEMS], { minLength: 3, maxLength: 3 }),
    })
    .map(({ tieBreak, order }): Policy => ({ kind: 'two-way', tieBreak, order })),
);
const ownerArb = fc.oneof(fc.constantFrom(...NAMES), fc.constant(null), fc.constant('ghost'));
const worldArb = fc.record({
  policy: policyArb,
  fallback: fc.boolean(),
  active: fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 }),
  accounts: fc.array(
    fc.record({
      owners: fc.array(ownerArb, { minLength: 3, maxLength: 3 }),
      present: fc.subarray([...SYSTEMS], { minLength: 1 }),
      stamps: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 3, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  baseline: fc.array(fc.tuple(fc.nat(3), fc.nat(2), ownerArb), { maxLength: 6 }),
});

type World = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

function build(w: World) {
  const ppl = NAMES.flatMap((name, i) =>
    SYSTEMS.map((system, s) => ({
      system,
      id: `${system}-${name}`,
      email: `${name}@acme.test`,
      active: name === 'anna' || Boolean(w.active[i]?.[s]),
    })),
  );
  const accounts = w.accounts.flatMap((a, n) =>
    a.present.map((system): AccountRecord => {
      const owner = a.owners[SYSTEMS.indexOf(system)] ?? null;
      const value: OwnerValue = owner === null ? null : { id: `${system}-${owner}` };
      return {
        ...(account(n, { [system]: null })[0] as AccountRecord),
        roles: { owner: value },
        modifiedAt: `2026-01-0${a.stamps[SYSTEMS.indexOf(system)] ?? 1}T00:00:00Z`,
      };
    }),
  );
  const cfg = config(w.policy, w.fallback ? { onUnresolvable: { kind: 'fallback', email: 'anna@acme.test' } } : {});
  const baseline = new Map<string, BaselineEntry>();
  for (const [n, s, owner] of w.baseline) {
    const system = SYSTEMS[s] as SystemId;
    const recordId = system === 'salesforce' ? `001${n}` : `${system}${n}`;
    baseline.set(baselineKey(system, recordId, 'owner'), {
      system,
      recordId,
      role: 'owner',
      value: owner === null ? null : `${owner}@acme.test`,
      at: 't',
    });
  }
  return { snapshot: { people: ppl, accounts } as Snapshot, cfg, baseline };
}

/** One round of sync: plan, write what the outcome function lets through, advance the baseline. */
function round(
  snapshot: Snapshot,
  baseline: Map<string, BaselineEntry>,
  cfg: SpocConfig,
  fails: (i: number) => boolean = () => false,
) {
  const p = plan(snapshot, baseline, cfg, NOW);
  const results: WriteResult[] = p.changes.map((c, i) =>
    fails(i)
      ? { recordId: c.recordId, role: c.role, ok: false, error: { code: 'X', kind: 'record', message: 'no' } }
      : { recordId: c.recordId, role: c.role, ok: true },
  );
  const written = p.changes.filter((_, i) => !fails(i));
  const next = applyWrites(snapshot, written, cfg.roles);
  const nextBaseline = new Map(baseline);
  for (const e of advanceBaseline(baseline, p, results, NOW))
    nextBaseline.set(baselineKey(e.system, e.recordId, e.role), e);
  return { plan: p, snapshot: next, baseline: nextBaseline, written };
}

describe('plan: properties', () => {
  it('idempotence and no sync loops: after one applied round, every later round writes nothing', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { snapshot, cfg, baseline } = build(w);
        let state = round(snapshot, baseline, cfg);
        for (let i = 0; i < 3; i++) {
          state = round(state.snapshot, state.baseline, cfg);
          expect(state.plan.changes).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('convergence: every decided owner is what each system that can take them shows', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { snapshot, cfg, baseline } = build(w);
        const after = round(snapshot, baseline, cfg);
        const again = plan(after.snapshot, after.baseline, cfg, NOW);
        for (const decision of again.decisions) {
          for (const role of decision.roles) {
            if (role.decided === null) continue;
            const decided = role.decided;
            for (const [system, owner] of Object.entries(role.owners)) {
              const canTake = snapshot.people.some((p) => p.system === system && p.email === decided && p.active);
              if (canTake) expect(owner).toBe(decided);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('failed writes are retried next run, and succeeded ones are never re-sent', () => {
    fc.assert(
      fc.property(worldArb, fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (w, failures) => {
        const { snapshot, cfg, baseline } = build(w);
        const first = round(snapshot, baseline, cfg, (i) => Boolean(failures[i]));
        const failed = first.plan.changes.filter((_, i) => failures[i]);
        const second = plan(first.snapshot, first.baseline, cfg, NOW);
        const key = (c: { system: string; recordId: string; to: string }) => `${c.system}/${c.recordId}/${c.to}`;
        const written = new Set(first.written.map(key));
        for (const c of second.changes) expect(written.has(key(c))).toBe(false);
        if (w.policy.kind !== 'two-way') expect(second.changes.map(key).sort()).toEqual(failed.map(key).sort());
      }),
      { numRuns: 200 },
    );
  });

  it('two-way respects a human change: it propagates and the old value is never written back', () => {
    fc.assert(
      fc.property(worldArb, fc.constantFrom(...SYSTEMS), (w, edited) => {
        fc.pre(w.policy.kind === 'two-way');
        const { snapshot, cfg, baseline } = build(w);
        const settled = round(snapshot, baseline, cfg);
        // The edit must be a change from what spoc last agreed, or it is no change at all.
        fc.pre(![...settled.baseline.values()].some((e) => e.system === edited && e.value === 'bruno@acme.test'));
        // A person edits one system: the owner becomes bruno, active everywhere here.
        const ppl = settled.snapshot.people.map((p) => (p.email === 'bruno@acme.test' ? { ...p, active: true } : p));
        const accounts = settled.snapshot.accounts.map((a) =>
          a.system === edited ? { ...a, roles: { owner: { id: `${edited}-bruno` } } } : a,
        );
        const p = plan({ people: ppl, accounts }, settled.baseline, cfg, NOW);
        for (const c of p.changes) {
          if (
            accounts.some(
              (a) =>
                a.system === edited &&
                a.id !== c.recordId &&
                c.account === p.decisions.find((d) => d.records[edited] === a.id)?.account,
            )
          ) {
            expect(c.to).toBe('bruno@acme.test');
          }
          expect(c.system === edited && c.from === 'bruno@acme.test').toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('determinism: shuffled inputs give the same plan', () => {
    fc.assert(
      fc.property(worldArb, fc.integer(), (w, seed) => {
        const { snapshot, cfg, baseline } = build(w);
        const shuffle = <T>(xs: T[]) =>
          [...xs].sort((a, b) => ((JSON.stringify(a).length * seed) % 7) - ((JSON.stringify(b).length * seed) % 7));
        const a = plan(snapshot, baseline, cfg, NOW);
        const b = plan({ people: shuffle(snapshot.people), accounts: shuffle(snapshot.accounts) }, baseline, cfg, NOW);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 150 },
    );
  });
});
