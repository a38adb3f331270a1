import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseConfig } from '../config/load.ts';
import { type AccountRecord, SYSTEMS, type SystemId } from '../domain/types.ts';
import { openStore } from '../store/state-store.ts';
import { MemoryConnector } from '../testing/memory-connector.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';
import { runSync } from './run-sync.ts';

/** A vendor whose write calls all fail (a revoked token mid-run): the runner logs the stop. */
class WritesDown extends MemoryConnector {
  override async writeAssignments(): Promise<never> {
    throw new Error('connection reset');
  }
}

function vendor(system: SystemId, owner: string): MemoryConnector {
  const people = ['anna', 'bruno'].map((n) => ({
    system,
    id: `${system}-${n}`,
    email: `${n}@acme.test`,
    active: true,
  }));
  const records: AccountRecord[] = [0, 1].map((i) => ({
    system,
    id: system === 'salesforce' ? `sf${i}` : `${system}${i}`,
    name: `Customer ${i}`,
    domains: [],
    xrefs: system === 'salesforce' ? {} : { sfid: `sf${i}` },
    roles: { owner: { id: `${system}-${owner}` } },
    modifiedAt: null,
  }));
  return new WritesDown(system, people, records, { owner: 'id' });
}

describe('run log lines', () => {
  it('repeat no key when a system-bound logger logs a failed write', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'spoc-logkeys-')), 'state.db');
    const config = parseConfig(memoryWorldYaml(path), 'spoc.yaml', { T: 't' });
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line.trim()) });
    await runSync(
      {
        config,
        connectors: SYSTEMS.map((s) => vendor(s, s === 'salesforce' ? 'anna' : 'bruno')),
        store: openStore(path),
        logger,
      },
      { dryRun: false, full: true, force: true },
    );
    expect(lines.some((l) => l.includes('writes stopped for this system'))).toBe(true);
    const duplicates = lines.filter((l) => parseDocument(l, { uniqueKeys: true }).errors.length > 0);
    expect(duplicates).toEqual([]);
  });
});
