// Run by core/src/run/memory-per-account.test.ts as `node --expose-gc memory-probe.ts N`:
// three syncs of N accounts × three memory vendors with a real SQLite state file: a full one
// that writes 10% drift, an incremental one whose vendors return every record (the whole
// book decided, as after a config change), and one whose vendors return what changed, after 1% of the accounts changed
// hands (deciding only those); prints the live heap before and the
// highest live heap seen during each (after a full GC, at each progress event).
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
// Pages of 500, as vendors serve them: what a page holds is the vendor's, what outlives it spoc's.
for (const c of connectors) c.pageSize = 500;
const crm = connectors.find((c) => c.system === 'crm');
const store = openStore(join(dir, 'state.db'));
const live = () => {
  gc();
  return process.memoryUsage().heapUsed;
};
let sample = () => {};
// The planner asks for the baselines of each 1,000 accounts it decides: a point where what
// it decides over (the records, the decisions so far) is alive.
const lookup = store.baselines.lookup.bind(store.baselines);
store.baselines.lookup = () => {
  const baseline = lookup();
  return {
    get: (key) => baseline.get(key),
    prefetch: (records) => {
      sample();
      baseline.prefetch?.(records);
    },
  };
};
const measure = async (full: boolean) => {
  const before = live();
  let peak = before;
  // At each progress event (pages read, write batches: the plan is alive then) and each
  // chunk planned, the live heap after a full GC, so garbage timing does not blur the figure.
  sample = () => {
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
// Vendors that return every record on each read, the whole book decided (as after a config change).
store.mirror.setPlanBasis(null);
const incremental = await measure(false);
// Vendors that return what changed since the cursor, after 1% of the accounts changed hands.
for (const c of connectors) c.incrementalReads = true;
for (let n = 0; n < accounts; n += 100)
  crm?.edit(`c${n}`, (r) => {
    r.roles.owner = { id: `crm-${(n + 1) % 200}` };
  });
const touched = await measure(false);
store.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ accounts, full, incremental, touched, after: live() })}\n`);
