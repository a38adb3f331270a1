import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { openStore } from '../store/state-store.ts';
import { memoryBook } from '../testing/memory-book.ts';
import type { MemoryConnector } from '../testing/memory-connector.ts';
import { MEMORY_SYSTEMS, memoryRegistry } from '../testing/memory-definitions.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';
import { readAndPlan } from './plan-phase.ts';
import { runSync } from './run-sync.ts';
import type { RunDeps } from './run-types.ts';

const ACCOUNTS = 200;
const NOW = new Date('2026-11-22T08:00:00Z');

// 200 accounts × three memory vendors that read incrementally (crm decides; one account in
// ten drifts in marketing), people read every run.
function world() {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-touched-')), 'state.db');
  const config = parseConfig(
    memoryWorldYaml(path, 'people: { refreshMinutes: 0 }\nsafety: { maxChanges: 100%, maxCascade: 100% }'),
    'spoc.yaml',
    memoryRegistry(MEMORY_SYSTEMS, { links: true }),
    { T: 't' },
  );
  const vendors = memoryBook(ACCOUNTS, 20, (system, n) => n + (system === 'marketing' && n % 10 === 0 ? 1 : 0));
  for (const v of vendors) v.incrementalReads = true;
  const [marketing, crm, helpdesk] = vendors as [MemoryConnector, MemoryConnector, MemoryConnector];
  const store = openStore(path);
  const deps: RunDeps = { config, connectors: vendors, store, logger: pino({ level: 'silent' }) };
  const sync = (full = false) => runSync(deps, { dryRun: false, full, force: false, now: () => NOW });
  /** What `spoc plan` shows now: the whole book decided. */
  const wholePlan = async () => (await readAndPlan(deps, { full: false, force: false, now: () => NOW })).plan;
  /** The read model as the console shows it, without the run that wrote each row. */
  const readModel = () =>
    store.ownership.list({}, { offset: 0, limit: 10_000 }).rows.map(({ runId: _run, ...row }) => row);
  const owner = (v: MemoryConnector, id: string, person: number) =>
    v.edit(id, (r) => {
      r.roles.owner = { id: `${v.system}-${person}` };
    });
  return { store, vendors, marketing, crm, helpdesk, sync, wholePlan, readModel, owner };
}

const writes = (changes: { account: string; system: string; recordId: string; to: string | null }[]) =>
  changes.map((c) => `${c.system}/${c.recordId} → ${c.to}`).sort();

describe('an incremental sync decides only the accounts touched since the last run', () => {
  it('writes exactly what a whole plan writes, and leaves the read model a whole plan leaves', async () => {
    const w = world();
    // The whole book's decisions go to the store as its parts are planned, and none stay once recorded.
    const kept = vi.spyOn(w.store.planning, 'keepDecisions');
    expect((await w.sync(true)).counts.written).toBe(20);
    expect(kept.mock.calls.reduce((n, [part]) => n + part.length, 0)).toBe(ACCOUNTS);
    expect([...w.store.planning.decisions()]).toEqual([]);
    // spoc's own 20 writes come back in the next incremental read, as a vendor's modified-since
    // read returns them, as the mirror already holds them (written values are kept): nothing to decide.
    const settle = await w.sync();
    expect(settle.counts.planned).toBe(0);
    expect(settle.changes).toEqual([]);
    // Re-owned in the deciding system (5 accounts), drifted in another (2 accounts).
    for (const n of [3, 17, 58, 120, 199]) w.owner(w.crm, `c${n}`, 7);
    for (const n of [4, 90]) w.owner(w.marketing, `marketing${n}`, 9);

    const whole = await w.wholePlan();
    const report = await w.sync();
    expect(report.status).toBe('ok');
    expect(report.counts.planned).toBe(7);
    expect(report.counts.accounts).toBe(ACCOUNTS);
    expect(report.counts.inScope).toBe(whole.scope.inScope);
    expect(writes(report.changes)).toEqual(writes(whole.changes));
    expect(report.counts.written).toBe(5 * 2 + 2);

    // A whole-book run after it finds nothing left and the same read model.
    const touchedModel = w.readModel();
    const check = await w.sync(true);
    expect(check.counts.planned).toBeUndefined();
    expect(check.changes).toEqual([]);
    expect(w.readModel()).toEqual(touchedModel);
    expect(touchedModel.filter((r) => r.status !== 'consistent')).toEqual([]);
  });

  it('a vendor that reads every record each run (as Freshdesk does) still has only what changed decided', async () => {
    const w = world();
    w.helpdesk.incrementalReads = false;
    await w.sync(true);
    await w.sync();
    w.owner(w.crm, 'c11', 4);
    w.owner(w.helpdesk, 'helpdesk12', 4);
    const report = await w.sync();
    expect(report.counts.planned).toBe(2);
    expect(writes(report.changes)).toEqual([
      'helpdesk/helpdesk11 → p4@acme.test',
      'helpdesk/helpdesk12 → p12@acme.test',
      'marketing/marketing11 → p4@acme.test',
    ]);
  });

  it('an account relinked by an edit is replaced in the read model, and its former partner with it', async () => {
    const w = world();
    await w.sync(true);
    // helpdesk5 now points at crm record c6: c5 loses its helpdesk record, c6 would get a second.
    w.helpdesk.edit('helpdesk5', (r) => {
      r.xrefs.crmid = 'c6';
    });
    const whole = await w.wholePlan();
    const report = await w.sync();
    expect(report.counts.planned).toBeGreaterThan(0);
    expect(report.issues).toEqual(whole.issues.filter((i) => i.account !== ''));
    const touchedModel = w.readModel();
    await w.sync(true);
    expect(w.readModel()).toEqual(touchedModel);
  });

  it('keeps every record’s link keys in the mirror, built once and kept as records are read', async () => {
    const w = world();
    // Written by an older spoc: records mirrored, no link keys yet.
    w.store.mirror.upsertAccounts([
      { system: 'crm', id: 'c0', name: 'Customer 0', domains: [], xrefs: {}, roles: {}, modifiedAt: null },
    ]);
    expect(w.store.mirror.linkKeysBasis()).toBeNull();
    await w.sync(true);
    expect(w.store.mirror.linkKeysBasis()).not.toBeNull();
    expect(w.store.mirror.linkKeyHolders(['0:c5']).sort()).toEqual([
      'crm:c5',
      'helpdesk:helpdesk5',
      'marketing:marketing5',
    ]);
    w.helpdesk.edit('helpdesk5', (r) => {
      r.xrefs.crmid = 'c6';
    });
    await w.sync();
    expect(w.store.mirror.linkKeyHolders(['0:c5']).sort()).toEqual(['crm:c5', 'marketing:marketing5']);
    expect(w.store.mirror.linkKeyHolders(['0:c6']).sort()).toEqual([
      'crm:c6',
      'helpdesk:helpdesk5',
      'helpdesk:helpdesk6',
      'marketing:marketing6',
    ]);
  });

  it('a write refused last run is retried though nobody touched the record since', async () => {
    const w = world();
    await w.sync(true);
    w.owner(w.crm, 'c42', 3);
    w.helpdesk.refuse.add('helpdesk42');
    const first = await w.sync();
    expect(first.status).toBe('partial');
    w.helpdesk.refuse.delete('helpdesk42');
    const second = await w.sync();
    expect(second.counts.planned).toBe(1);
    expect(writes(second.changes)).toEqual(['helpdesk/helpdesk42 → p3@acme.test']);
    expect(second.counts.written).toBe(1);
  });

  it('plans the whole book after a run that read but was never recorded, and after people change', async () => {
    const w = world();
    await w.sync(true);
    w.owner(w.crm, 'c8', 2);
    const save = vi.spyOn(w.store.ownership, 'save').mockImplementationOnce(() => {
      throw new Error('disk I/O error');
    });
    expect((await w.sync()).status).toBe('failed');
    save.mockRestore();
    // The failed run wrote c8's owner everywhere but recorded none of it (its read model and
    // baselines were rolled back): the next run decides every account again.
    const recovered = await w.sync();
    expect(recovered.counts.planned).toBeUndefined();
    expect(recovered.changes).toEqual([]);
    expect(w.store.ownership.account('crm:c8').map((r) => [r.decided, r.status])).toEqual([
      ['p2@acme.test', 'consistent'],
    ]);

    // Person 5 leaves the CRM: every account they hold may decide differently.
    const left = w.crm.people.find((p) => p.id === 'crm-5');
    if (left) left.active = false;
    const after = await w.sync();
    expect(after.counts.planned).toBeUndefined();
    expect(after.counts.accounts).toBe(ACCOUNTS);
    const quiet = await w.sync();
    expect(quiet.counts.planned).toBe(0);
    expect(quiet.changes).toEqual([]);
  });
});

describe('a sync writes its reads to the mirror as pages arrive', () => {
  it('a read that fails part-way leaves its pages in the mirror; the next run decides the whole book from them', async () => {
    const w = world();
    await w.sync(true);
    for (const n of [5, 150]) w.owner(w.crm, `c${n}`, 11);
    // The helpdesk answers its first page, then fails (after the connector's retries).
    const read = w.helpdesk.readAccounts.bind(w.helpdesk);
    w.helpdesk.readAccounts = async function* (query) {
      for await (const page of read(query)) {
        yield { ...page, records: page.records.slice(0, 1) };
        throw new Error('HTTP 503 from the helpdesk');
      }
    };
    const failed = await w.sync();
    expect(failed.status).toBe('failed');
    expect(w.store.mirror.planBasis()).toBeNull();
    w.helpdesk.readAccounts = read;
    const next = await w.sync();
    expect(next.counts.planned).toBeUndefined();
    expect(writes(next.changes)).toEqual([
      'helpdesk/helpdesk150 → p11@acme.test',
      'helpdesk/helpdesk5 → p11@acme.test',
      'marketing/marketing150 → p11@acme.test',
      'marketing/marketing5 → p11@acme.test',
    ]);
  });

  it('a full read drops what the vendor no longer holds, from the mirror, its link keys and the read model', async () => {
    const w = world();
    await w.sync(true);
    w.helpdesk.accounts.delete('helpdesk7');
    const report = await w.sync(true);
    expect(report.issues.filter((i) => i.account === 'crm:c7').map((i) => [i.kind, i.system])).toEqual([
      ['missing', 'helpdesk'],
    ]);
    expect(w.store.mirror.accountsByRef(['helpdesk:helpdesk7', 'helpdesk:helpdesk8']).map((r) => r.id)).toEqual([
      'helpdesk8',
    ]);
    expect(w.store.mirror.linkKeyHolders(['0:c7']).sort()).toEqual(['crm:c7', 'marketing:marketing7']);
    expect(w.store.ownership.account('crm:c7')[0]?.systems.helpdesk).toBeUndefined();
  });
});
