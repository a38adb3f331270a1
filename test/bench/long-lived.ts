// `pnpm bench:long-lived`: one long-lived process (the scheduler's, the console's) through a
// full sync and ten incremental syncs (issue 22: "RSS flat over 10 consecutive incremental
// runs"; "an incremental run with 1% changed at 1M under 5 minutes of spoc's own time").
// Three generated vendors (test/bench/generated-vendor.ts: no HTTP, no rate limits, a book
// that costs the process nothing, so only spoc's time and memory are measured), 10 % drift,
// a real SQLite state file. Before each incremental run 1 % of the accounts change hands in
// the deciding system. Prints per run: wall time, CPU, accounts decided, writes, RSS and
// live heap after GC (and the heap V8 holds); then one more incremental run made to decide the whole book, to
// compare. Options: --accounts N (default 100,000), --runs N (default 10).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, parseConfig, runSync } from '@spoc/core';
import { MEMORY_SYSTEMS, memoryRegistry, memoryWorldYaml } from '@spoc/core/testing';
import { pino } from 'pino';
import { GeneratedVendor } from './generated-vendor.ts';

const { values } = parseArgs({
  options: { accounts: { type: 'string', default: '100000' }, runs: { type: 'string', default: '10' } },
});
const accounts = Number(values.accounts);
const runs = Number(values.runs);
if (!Number.isSafeInteger(accounts) || accounts <= 0 || !Number.isSafeInteger(runs) || runs <= 0)
  throw new Error('--accounts and --runs take positive whole numbers');
const PEOPLE = 2_000;
const dir = mkdtempSync(join(tmpdir(), 'spoc-long-lived-'));
const config = parseConfig(
  memoryWorldYaml(join(dir, 'state.db'), 'safety: { maxChanges: 100%, maxCascade: 100% }'),
  join(dir, 'spoc.yaml'),
  memoryRegistry(MEMORY_SYSTEMS, { links: true }),
  { T: 't' },
);
// One account in ten drifts outside the deciding system.
const connectors = MEMORY_SYSTEMS.map(
  (system) => new GeneratedVendor(system, accounts, PEOPLE, (n) => n + (system !== 'crm' && n % 10 === 0 ? 1 : 0)),
);
const crm = connectors.find((c) => c.system === 'crm') as GeneratedVendor;
const store = openStore(join(dir, 'state.db'));
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const sync = async (label: string, full: boolean) => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const report = await runSync(
    { config, connectors, store, logger: pino({ level: 'silent' }) },
    { dryRun: false, full, force: false },
  );
  const wallMs = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  const decided = report.counts.planned ?? report.counts.accounts;
  process.stdout.write(
    `${label.padEnd(16)} ${report.status.padEnd(7)} decided ${decided.toLocaleString('en-US').padStart(9)}  written ${report.counts.written.toLocaleString('en-US').padStart(7)}  ${seconds(wallMs).padStart(7)} wall  ${seconds((user + system) / 1000).padStart(7)} CPU  RSS ${mb(rss).padStart(7)}  heap ${mb(heapUsed).padStart(7)} used of ${mb(heapTotal).padStart(7)}\n`,
  );
  if (report.status !== 'ok') throw new Error(`sync ${report.status}: ${report.message ?? ''}`);
  return { rss, wallMs };
};

/** 1 % of the accounts change hands in the deciding system. */
const reownOnePercent = (run: number) => {
  for (let i = 0; i < accounts / 100; i++) {
    const n = (run * 7919 + i * 101) % accounts;
    crm.reown(n, n + run);
  }
};

process.stdout.write(
  `spoc bench:long-lived: ${accounts.toLocaleString('en-US')} accounts × 3 generated vendors, one process (node ${process.version}, ${process.execArgv.join(' ') || 'default heap settings'})\n`,
);
await sync('full', true);
// spoc's own writes come back in the first incremental read, as a vendor's modified-since read returns them.
await sync('settle', false);
const rss: number[] = [];
const wall: number[] = [];
for (let run = 1; run <= runs; run++) {
  reownOnePercent(run);
  const result = await sync(`incremental ${run}`, false);
  rss.push(result.rss);
  wall.push(result.wallMs);
}
// The same 1 % run, made to decide every account (as a run after a config change does).
reownOnePercent(runs + 1);
store.mirror.setPlanBasis(null);
const whole = await sync('whole book', false);
const [first = 0] = rss;
const spread = (Math.max(...rss) - Math.min(...rss)) / first;
process.stdout.write(
  [
    `RSS after GC over the ${runs} incremental runs: ${mb(Math.min(...rss))} to ${mb(Math.max(...rss))} (${(spread * 100).toFixed(1)} % of the first)`,
    `incremental 1 % run: ${seconds(Math.min(...wall))} to ${seconds(Math.max(...wall))} wall, against ${seconds(whole.wallMs)} deciding the whole book`,
    `peak RSS of the process: ${mb(process.resourceUsage().maxRSS * 1024)}`,
  ].join('\n') + '\n',
);
store.close();
rmSync(dir, { recursive: true, force: true });
