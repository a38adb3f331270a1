import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import type { SystemId } from '../domain/types.ts';
import { openStore } from '../store/state-store.ts';
import { MemoryConnector } from '../testing/memory-connector.ts';
import { MEMORY_SYSTEMS, memoryRegistry } from '../testing/memory-definitions.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';
import { runSync } from './run-sync.ts';

/**
 * CRM decides anna everywhere; Marketing holds bruno on Customer 1, so it follows and
 * Customer 1's three contacts (bruno's) take anna; Customer 2's contact already has her.
 */
function world(safety = 'safety: { maxChanges: 100%, maxCascade: 100% }') {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-cascade-')), 'state.db');
  const yaml = memoryWorldYaml(path, safety).replace(
    'policy: { authority: crm }',
    'policy: { authority: crm }\n    cascade: { contacts: true }',
  );
  const config = parseConfig(yaml, 'spoc.yaml', memoryRegistry(), { T: 't' });
  const vendors = MEMORY_SYSTEMS.map(
    (system: SystemId) =>
      new MemoryConnector(
        system,
        ['anna', 'bruno'].map((n) => ({ system, id: `${system}-${n}`, email: `${n}@acme.test`, active: true })),
        [1, 2].map((n) => ({
          system,
          id: system === 'crm' ? `001${n}` : `${system}${n}`,
          name: `Customer ${n}`,
          domains: [],
          xrefs: system === 'crm' ? {} : { crmid: `001${n}` },
          roles: { owner: { id: `${system}-${system === 'marketing' && n === 1 ? 'bruno' : 'anna'}` } },
          modifiedAt: null,
        })),
        { owner: 'id' },
      ),
  );
  const marketing = vendors[0] as MemoryConnector;
  for (const id of ['c1', 'c2', 'c3'])
    marketing.contacts.set(id, { accountId: 'marketing1', ownerId: 'marketing-bruno' });
  marketing.contacts.set('c4', { accountId: 'marketing2', ownerId: 'marketing-anna' });
  const store = openStore(path);
  const sync = (options: { dryRun?: boolean; force?: boolean; signal?: AbortSignal } = {}) =>
    runSync(
      { config, connectors: vendors, store, logger: pino({ level: 'silent' }) },
      { dryRun: options.dryRun ?? false, full: false, force: options.force ?? false, ...options },
    );
  const owners = () => [...marketing.contacts].map(([id, c]) => `${id}:${c.ownerId}`);
  return { marketing, store, sync, owners };
}

describe('cascades: previewed, guarded, crash-safe', () => {
  it('plan shows per account how many contacts would follow, with totals, and moves nothing', async () => {
    const w = world();
    const report = await w.sync({ dryRun: true });
    expect(report.changes.map((c) => [c.system, c.recordId, c.to])).toEqual([
      ['marketing', 'marketing1', 'anna@acme.test'],
    ]);
    expect(report.cascadePlan).toEqual({
      totals: { contacts: 3, openTickets: 0 },
      resumed: { contacts: 0, openTickets: 0 },
      accounts: [
        {
          account: 'crm:0011',
          accountName: 'Customer 1',
          role: 'owner',
          system: 'marketing',
          kind: 'contacts',
          records: 3,
        },
      ],
      problems: [],
    });
    expect(w.marketing.moved).toEqual([]);
    const sync = await w.sync();
    expect(sync.cascades).toEqual([{ kind: 'contacts', system: 'marketing', updated: 3, failed: 0 }]);
    expect(w.owners()).toEqual(['c1:marketing-anna', 'c2:marketing-anna', 'c3:marketing-anna', 'c4:marketing-anna']);
  });

  it('safety.maxCascade refuses a cascade above it (number or percent of the contacts), --force lifts it', async () => {
    const absolute = world('safety: { maxChanges: 100%, maxCascade: 2 }');
    const refused = await absolute.sync();
    expect(refused.status).toBe('refused');
    expect(refused.message).toBe(
      '3 contacts in marketing would follow 1 owner change, more than safety.maxCascade 2; re-run with --force to apply',
    );
    expect(refused.counts.written).toBe(0);
    expect(absolute.marketing.written).toEqual([]);
    expect(absolute.marketing.moved).toEqual([]);

    const percent = world('safety: { maxChanges: 100%, maxCascade: 50% }');
    expect((await percent.sync()).message).toBe(
      '3 contacts in marketing would follow 1 owner change, more than safety.maxCascade 50% of 4 contacts in marketing (2); re-run with --force to apply',
    );
    const forced = await percent.sync({ force: true });
    expect(forced.status).toBe('ok');
    expect(percent.marketing.moved).toHaveLength(3);
  });

  it('a run stopped after the owner write but before the contacts moved: the next run moves them, once', async () => {
    const w = world();
    const controller = new AbortController();
    const write = w.marketing.writeAssignments.bind(w.marketing);
    // SIGTERM lands while the owner batch is in flight: the batch finishes, nothing after it runs.
    w.marketing.writeAssignments = async (writes) => {
      const results = await write(writes);
      controller.abort(new Error('received SIGTERM'));
      return results;
    };
    const stopped = await w.sync({ signal: controller.signal });
    expect(stopped.changes.map((c) => c.result)).toEqual(['written']);
    expect(w.marketing.moved).toEqual([]);
    w.marketing.writeAssignments = write;

    const next = await w.sync();
    expect(next.changes).toEqual([]);
    expect(next.cascadePlan?.resumed).toEqual({ contacts: 3, openTickets: 0 });
    expect(next.cascadePlan?.accounts).toEqual([expect.objectContaining({ account: 'crm:0011', resumed: true })]);
    expect(w.owners()).toEqual(['c1:marketing-anna', 'c2:marketing-anna', 'c3:marketing-anna', 'c4:marketing-anna']);
    const after = await w.sync();
    expect(after.cascadePlan?.accounts).toEqual([]);
    expect(w.marketing.moved).toHaveLength(3);
  });

  it('a cascade that fails part-way is finished by the next run; the owner change stands', async () => {
    const w = world();
    let calls = 0;
    w.marketing.beforeMove = () => {
      calls++;
      if (calls === 2) throw new Error('connection reset');
    };
    const first = await w.sync();
    expect(first.changes.map((c) => c.result)).toEqual(['written']);
    expect(first.cascades).toEqual([{ kind: 'contacts', system: 'marketing', updated: 0, failed: 3 }]);
    w.marketing.beforeMove = () => {};
    const next = await w.sync();
    expect(next.cascadePlan?.resumed).toEqual({ contacts: 2, openTickets: 0 });
    expect(w.owners()).toEqual(['c1:marketing-anna', 'c2:marketing-anna', 'c3:marketing-anna', 'c4:marketing-anna']);
  });

  it("a cascade whose owner write failed is dropped, never carried out on another run's say-so", async () => {
    const w = world();
    w.marketing.refuse.add('marketing1');
    const first = await w.sync();
    expect(first.changes.map((c) => c.result)).toEqual(['failed']);
    expect(w.marketing.moved).toEqual([]);
    expect(w.store.journal.openCascades()).toEqual([]);
  });
});
