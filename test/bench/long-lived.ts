// `pnpm bench:long-lived`: memory of one long-lived process (the scheduler's, the console's)
// over consecutive runs (issue 22: "RSS flat over 10 consecutive incremental runs"). Three
// memory vendors (no HTTP: only spoc's own memory is measured) hold N accounts; a full sync,
// then ten incremental syncs, each after 1 % of the accounts were re-owned in the deciding
// system, with a real SQLite state file. Prints RSS and live heap after each run.
// Options: --accounts N (default 100,000), --runs N (default 10).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, parseConfig, runSync } from '@spoc/core';
import { MEMORY_SYSTEMS, type MemoryConnector, memoryBook, memoryRegistry, memoryWorldYaml } from '@spoc/core/testing';
import { pino } from 'pino';

const { values } = parseArgs({
  options: { accounts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '10' } },
});
const accounts = Number(values.accounts);
const runs = Number(values.runs);
const PEOPLE = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'spoc-long-lived-'));
const config = parseConfig(
  memoryWorldYaml(join(dir, 'state.db'), 'safety: { maxChanges: 100%, maxCascade: 100% }'),
  join(dir, 'spoc.yaml'),
  memoryRegistry(MEMORY_SYSTEMS, { links: true }),
  { T: 't' },
);
const connectors = memoryBook(accounts, PEOPLE);
const crm = connectors.find((c) => c.system === 'crm') as MemoryConnector;
const store = openStore(join(dir, 'state.db'));
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const sync = async (label: string, full: boolean) => {
  const started = performance.now();
  const report = await runSync(
    { config, connectors, store, logger: pino({ level: 'silent' }) },
    { dryRun: false, full, force: false },
  );
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(
    `${label.padEnd(14)} ${report.status.padEnd(7)} written ${String(report.counts.written).padStart(6)}  ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s  RSS ${mb(rss).padStart(7)}  heap ${mb(heapUsed).padStart(7)}\n`,
  );
  return rss;
};
process.stdout.write(
  `spoc bench:long-lived: ${accounts.toLocaleString('en-US')} accounts × 3 memory vendors, one process\n`,
);
await sync('full', true);
const rss: number[] = [];
for (let run = 1; run <= runs; run++) {
  // 1 % of the accounts change hands in the deciding system.
  for (let i = 0; i < accounts / 100; i++) {
    const n = (run * 7919 + i * 101) % accounts;
    const record = crm.accounts.get(`c${n}`);
    if (record) record.roles.owner = { id: `crm-${(n + run) % PEOPLE}` };
  }
  rss.push(await sync(`incremental ${run}`, false));
}
const [first = 0] = rss;
const spread = (Math.max(...rss) - Math.min(...rss)) / first;
process.stdout.write(
  `RSS over the ${runs} incremental runs: ${mb(Math.min(...rss))} to ${mb(Math.max(...rss))} (${(spread * 100).toFixed(1)} % of the first)\n`,
);
store.close();
rmSync(dir, { recursive: true, force: true });
