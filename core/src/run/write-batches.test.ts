import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import type { AccountRecord, AssignmentWrite, SystemId } from '../domain/types.ts';
import { openStore } from '../store/state-store.ts';
import { MemoryConnector } from '../testing/memory-connector.ts';
import { MEMORY_SYSTEMS, memoryRegistry } from '../testing/memory-definitions.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';
import { runSync } from './run-sync.ts';

/** A vendor that records how many writes each writeAssignments call carried. */
class BatchRecorder extends MemoryConnector {
  readonly batches: number[] = [];
  override async writeAssignments(writes: AssignmentWrite[]) {
    this.batches.push(writes.length);
    return super.writeAssignments(writes);
  }
}

/** A vendor whose write calls take 200 records, like CRM's composite/sobjects. */
class TwoHundredPerCall extends BatchRecorder {
  readonly writeCallSize = 200;
}

function vendor(system: SystemId, accounts: number, owner: string): BatchRecorder {
  const people = ['anna', 'bruno'].map((n) => ({
    system,
    id: `${system}-${n}`,
    email: `${n}@acme.test`,
    active: true,
  }));
  const records: AccountRecord[] = Array.from({ length: accounts }, (_, i) => ({
    system,
    id: system === 'crm' ? `sf${i}` : `${system}${i}`,
    name: `Customer ${i}`,
    domains: [],
    xrefs: system === 'crm' ? {} : { crmid: `sf${i}` },
    roles: { owner: { id: `${system}-${owner}` } },
    modifiedAt: null,
  }));
  const Kind = system === 'marketing' ? TwoHundredPerCall : BatchRecorder;
  return new Kind(system, people, records, { owner: 'id' });
}

describe('write batches', () => {
  it("are whole multiples of a vendor's call size, so no call goes out part-full mid-run", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'spoc-batches-')), 'state.db');
    const config = parseConfig(memoryWorldYaml(path), 'spoc.yaml', memoryRegistry(), { T: 't' });
    const vendors = MEMORY_SYSTEMS.map((s) => vendor(s, 1130, s === 'crm' ? 'anna' : 'bruno'));
    const report = await runSync(
      { config, connectors: vendors, store: openStore(path), logger: pino({ level: 'silent' }) },
      { dryRun: false, full: true, force: true },
    );
    expect(report.counts).toMatchObject({ changes: 2260, written: 2260, failed: 0 });
    const [marketing, crm, helpdesk] = vendors as [BatchRecorder, BatchRecorder, BatchRecorder];
    // 500 a batch rounded down to 400: ⌈1130/200⌉ = 6 calls' worth, as the minimum.
    expect(marketing.batches).toEqual([400, 400, 330]);
    // No call size declared: the runner's batches of 500 stand.
    expect(helpdesk.batches).toEqual([500, 500, 130]);
    expect(crm.batches).toEqual([]);
  });
});
