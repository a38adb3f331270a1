// `pnpm bench:plan`: the planner at a million accounts (issue 22, item 3). A state store
// is seeded with 1,000,000 accounts in each of three systems (linked by cross-reference),
// two roles, 10,000 people and the baseline of an earlier run; then one process loads the
// mirror from the store and plans, the way a run does. Prints accounts per second (the
// planner alone, and load + plan) and peak RSS. Options: --accounts N, --people N,
// --drift F (share of account-roles changed in one system since the baseline), --in-memory
// (also plan with the baseline held in memory, to tell the store's share from the planner's).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AccountRecord,
  type BaselineEntry,
  buildDirectory,
  openStore,
  type PersonRecord,
  plan,
  type SpocConfig,
} from '@spoc/core';
import { testSystems } from '@spoc/core/testing';

const SYSTEMS = ['salesforce', 'hubspot', 'zendesk'] as const;
const ROLES = ['account_owner', 'csm'] as const;
const CHUNK = 20_000;

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000000' },
    people: { type: 'string', default: '10000' },
    drift: { type: 'string', default: '0.02' },
    'in-memory': { type: 'boolean', default: false },
  },
});
const accounts = Number(values.accounts);
const peopleCount = Number(values.people);
const drift = Number(values.drift);
if (!Number.isSafeInteger(accounts) || accounts <= 0 || !Number.isSafeInteger(peopleCount) || peopleCount <= 1)
  throw new Error('--accounts and --people take positive whole numbers (people at least 2)');

const config: SpocConfig = {
  version: 1,
  file: 'bench-plan.yaml',
  ...testSystems(SYSTEMS),
  aliases: {},
  peopleRefreshMs: 0,
  link: [{ kind: 'xref', fields: { hubspot: 'sfid', zendesk: 'sfid' } }],
  roles: ROLES.map((name) => ({
    name,
    fields: Object.fromEntries(SYSTEMS.map((s) => [s, { field: name, value: 'id' as const }])),
    policy:
      name === 'account_owner'
        ? { kind: 'authority' as const, system: 'salesforce' }
        : { kind: 'two-way' as const, tieBreak: 'priority' as const, order: ['hubspot', 'salesforce', 'zendesk'] },
    onUnresolvable: { kind: 'skip' as const },
    cascade: { contacts: false, openTickets: false },
  })),
  safety: { maxChanges: { kind: 'percent', value: 100 }, maxCascade: { kind: 'percent', value: 100 } },
  schedule: undefined,
  statePath: ':memory:',
  state: { sqlite: ':memory:' },
  tenant: 'test',
  notify: { consoleUrl: undefined, digestAbove: 20, alertOnFailuresAbove: 0, channels: [] },
};

const people: PersonRecord[] = SYSTEMS.flatMap((system) =>
  Array.from({ length: peopleCount }, (_, p) => ({
    system,
    id: `${system}-${p}`,
    email: `person${p}@acme.test`,
    // One in a hundred has left: their accounts are unresolvable, as in a real book.
    active: p % 100 !== 99,
    name: `Person ${p}`,
  })),
);

/** Deterministic owners: account n's role r is person (n·7 + r·13) mod people; drifted ones differ in one system. */
const ownerOf = (n: number, role: number) => (n * 7 + role * 13) % peopleCount;
const drifted = (n: number, role: number) => ((n * 2654435761 + role) >>> 0) / 2 ** 32 < drift;
const driftSystem = (n: number) => SYSTEMS[(n % 2) + 1] as string;

function record(system: string, n: number): AccountRecord {
  const id = system === 'salesforce' ? `001${String(n).padStart(15, '0')}` : `${system[0]}${n}`;
  const roles: AccountRecord['roles'] = {};
  for (const [r, role] of ROLES.entries()) {
    const p = drifted(n, r) && system === driftSystem(n) ? (ownerOf(n, r) + 1) % peopleCount : ownerOf(n, r);
    roles[role] = { id: `${system}-${p}` };
  }
  return {
    system,
    id,
    name: `Customer ${n}`,
    domains: [],
    xrefs: system === 'salesforce' ? {} : { sfid: `001${String(n).padStart(15, '0')}` },
    roles,
    modifiedAt: '2026-11-01T00:00:00.000Z',
  };
}

const dir = mkdtempSync(join(tmpdir(), 'spoc-bench-plan-'));
const store = openStore(join(dir, 'state.db'));
try {
  // Seed in chunks, so the seeding's own memory does not set the peak measured below.
  const seedStart = performance.now();
  for (const system of SYSTEMS) {
    for (let from = 0; from < accounts; from += CHUNK) {
      const chunk: AccountRecord[] = [];
      const baseline: BaselineEntry[] = [];
      for (let n = from; n < Math.min(accounts, from + CHUNK); n++) {
        const r = record(system, n);
        chunk.push(r);
        for (const [i, role] of ROLES.entries())
          baseline.push({
            system,
            recordId: r.id,
            role,
            value: `person${ownerOf(n, i)}@acme.test`,
            at: '2026-11-01T00:00:00.000Z',
          });
      }
      store.mirror.upsertAccounts(chunk);
      store.baselines.upsert(baseline);
    }
  }
  const seedMs = performance.now() - seedStart;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;

  const loadStart = performance.now();
  const snapshot = { people, accounts: SYSTEMS.flatMap((s) => store.mirror.loadAccounts(s)) };
  const baseline = store.baselines.lookup();
  const loadMs = performance.now() - loadStart;

  const planStart = performance.now();
  const directory = buildDirectory(snapshot.people, config.aliases);
  const result = plan(snapshot, baseline, config, new Date(), { force: true, directory });
  const planMs = performance.now() - planStart;
  const peakRss = process.resourceUsage().maxRSS * 1024;

  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  const rate = (ms: number) => `${Math.round(accounts / (ms / 1000)).toLocaleString('en-US')} accounts/s`;
  const rows: [string, string][] = [
    ['accounts × systems × roles', `${accounts.toLocaleString('en-US')} × ${SYSTEMS.length} × ${ROLES.length}`],
    ['people', `${peopleCount.toLocaleString('en-US')} per system`],
    ['seed the store (not measured below)', `${(seedMs / 1000).toFixed(1)} s`],
    ['load mirror + baseline from the store', `${(loadMs / 1000).toFixed(1)} s`],
    ['plan (directory, link, decide, guard)', `${(planMs / 1000).toFixed(1)} s  = ${rate(planMs)}`],
    ['load + plan', `${((loadMs + planMs) / 1000).toFixed(1)} s  = ${rate(loadMs + planMs)}`],
    ['linked accounts', result.accounts.toLocaleString('en-US')],
    [
      'planned writes / issues',
      `${result.changes.length.toLocaleString('en-US')} / ${result.issues.length.toLocaleString('en-US')}`,
    ],
    ['RSS after seeding', mb(rssBefore)],
    ['peak RSS (load + plan from the store)', mb(peakRss)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(
    `spoc bench:plan (node ${process.version}, ${process.execArgv.join(' ') || 'default heap settings'})\n`,
  );
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(width)}  ${v}\n`);
  if (values['in-memory']) {
    // The planner alone, its baseline already in memory: what the store's lookups cost is
    // the difference. At 1,000,000 accounts the 6,000,000 entries pass the default heap.
    const inMemory = store.baselines.load();
    const pureStart = performance.now();
    plan(snapshot, { get: (key) => inMemory.get(key) }, config, new Date(), {
      force: true,
      directory: buildDirectory(snapshot.people, config.aliases),
    });
    const pureMs = performance.now() - pureStart;
    process.stdout.write(
      `  ${'plan, baseline in memory (the planner alone)'.padEnd(width)}  ${(pureMs / 1000).toFixed(1)} s  = ${rate(pureMs)}\n`,
    );
  }
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
