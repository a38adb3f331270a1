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

function world(refreshMinutes: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-people-')), 'state.db');
  const config = parseConfig(
    memoryWorldYaml(path, `people: { refreshMinutes: ${refreshMinutes} }`),
    'spoc.yaml',
    memoryRegistry(),
    { T: 't' },
  );
  const vendors = MEMORY_SYSTEMS.map(
    (system: SystemId) =>
      new MemoryConnector(
        system,
        ['anna', 'bruno'].map((n) => ({ system, id: `${system}-${n}`, email: `${n}@acme.test`, active: true })),
        [
          {
            system,
            id: `${system}1`,
            name: 'Customer 1',
            domains: [],
            xrefs: { crmid: '0011' },
            roles: { owner: { id: `${system}-${system === 'crm' ? 'anna' : 'bruno'}` } },
            modifiedAt: null,
          },
        ],
        { owner: 'id' },
      ),
  );
  // CRM is keyed by its own id; the xref of the other two points at it.
  const sf = vendors[1] as MemoryConnector;
  const record = sf.accounts.get('crm1');
  if (record) {
    sf.accounts.delete('crm1');
    sf.accounts.set('0011', { ...record, id: '0011', xrefs: {} });
  }
  const store = openStore(path);
  let clock = Date.parse('2026-11-22T08:00:00Z');
  const sync = (full = false) =>
    runSync(
      { config, connectors: vendors, store, logger: pino({ level: 'silent' }) },
      { dryRun: false, full, force: true, now: () => new Date(clock) },
    );
  const reads = () => vendors.map((v) => v.peopleReads);
  return { vendors, sync, reads, advance: (minutes: number) => (clock += minutes * 60_000) };
}

describe('people cache: a quiet run costs no people pages', () => {
  it('reuses the people read within refreshMinutes, and reads them again after', async () => {
    const w = world(60);
    const first = await w.sync();
    expect(first.changes.map((c) => [c.system, c.to, c.result])).toEqual([
      ['helpdesk', 'anna@acme.test', 'written'],
      ['marketing', 'anna@acme.test', 'written'],
    ]);
    expect(w.reads()).toEqual([1, 1, 1]);
    w.advance(59);
    expect((await w.sync()).changes).toEqual([]);
    expect(w.reads()).toEqual([1, 1, 1]);
    w.advance(2);
    await w.sync();
    expect(w.reads()).toEqual([2, 2, 2]);
  });

  it('decides with the cached people exactly as with fresh ones', async () => {
    const w = world(60);
    await w.sync();
    // CRM, the authority, now names bruno: the cached directory still resolves him.
    const sf = w.vendors[1] as MemoryConnector;
    const account = sf.accounts.get('0011');
    if (account) account.roles.owner = { id: 'crm-bruno' };
    w.advance(5);
    const next = await w.sync();
    expect(w.reads()).toEqual([1, 1, 1]);
    expect(next.changes.map((c) => [c.system, c.to, c.result])).toEqual([
      ['helpdesk', 'bruno@acme.test', 'written'],
      ['marketing', 'bruno@acme.test', 'written'],
    ]);
  });

  it('a refused write, a full read, or refreshMinutes 0 reads the people again', async () => {
    const w = world(60);
    const helpdesk = w.vendors[2] as MemoryConnector;
    helpdesk.refuse.add('helpdesk1');
    expect((await w.sync()).status).toBe('partial');
    w.advance(1);
    await w.sync();
    // Only Helpdesk refused a write: only its people are read again.
    expect(w.reads()).toEqual([1, 1, 2]);
    await w.sync(true);
    expect(w.reads()).toEqual([2, 2, 3]);

    const every = world(0);
    await every.sync();
    await every.sync();
    expect(every.reads()).toEqual([2, 2, 2]);
  });
});
