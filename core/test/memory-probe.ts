// Run by core/src/run/memory-per-account.test.ts as `node --expose-gc memory-probe.ts N`:
// two syncs (a full one that writes 10% drift, then an incremental one) of N accounts
// × three memory vendors with a real SQLite state file; prints the live heap before and
// the highest live heap seen during each (after a full GC, at each progress event).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseConfig } from '../src/config/load.ts';
import { runSync } from '../src/run/run-sync.ts';
import { openStore } from '../src/store/state-store.ts';
import { memoryBook } from '../src/testing/memory-book.ts';
import { MEMORY_SYSTEMS, memoryRegistry } from '../src/testing/memory-definitions.ts';
import { memoryWorldYaml } from '../src/testing/memory-world-config.ts';

const accounts = Number(process.argv[2]);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !Number.isSafeInteger(accounts)) throw new Error('usage: node --expose-gc memory-probe.ts ACCOUNTS');

const dir = mkdtempSync(join(tmpdir(), 'spoc-memory-'));
const config = parseConfig(
  memoryWorldYaml(join(dir, 'state.db'), 'safety: { maxChanges: 100%, maxCascade: 100% }'),
  join(dir, 'spoc.yaml'),
  memoryRegistry(MEMORY_SYSTEMS, { links: true }),
  { T: 't' },
);
// One account in ten drifts outside the deciding system.
const connectors = memoryBook(accounts, 200, (system, n) => n + (system !== 'crm' && n % 10 === 0 ? 1 : 0));
const store = openStore(join(dir, 'state.db'));
const live = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
const measure = async (full: boolean) => {
  const before = live();
  let peak = before;
  // At each progress event (pages read, write batches: the plan and the records are
  // alive then) the live heap after a full GC, so garbage timing does not blur the figure.
  const sample = () => {
    peak = Math.max(peak, live());
  };
  const report = await runSync(
    { config, connectors, store, logger: pino({ level: 'silent' }) },
    { dryRun: false, full, force: false, onProgress: sample, batchSize: Math.max(100, accounts / 20) },
  );
  if (report.status !== 'ok') throw new Error(`sync ${report.status}: ${report.message ?? ''}`);
  return { before, peak, written: report.counts.written };
};
const full = await measure(true);
const incremental = await measure(false);
store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ accounts, full, incremental, after: live() })}\n`);
