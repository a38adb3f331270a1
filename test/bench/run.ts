// spoc benchmark: full, settled, no-change and 1%-change syncs of generated worlds
// (20 % drift) against the sandbox with the vendors' real rate limits on.
// Prints a table and writes test/bench/results.json.
//
//   pnpm bench                      # 1,000, 10,000 and 100,000 accounts
//   pnpm bench -- --sizes 1000      # one size
//   pnpm bench --sizes 1000000      # a million: HubSpot and Zendesk on LARGE_BOOK_PLANS (model.ts),
//                                   # the full sync only (bench:long-lived measures the incremental runs)
//   pnpm bench --systems all --sizes 10000,100000
//                                   # all five systems (config/spoc.demo-all.yaml), Pipedrive and
//                                   # Freshdesk on FIVE_SYSTEM_PLANS (model.ts): test/bench/results-five.json
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type SystemEmulatorId as SystemId, sandboxEnv } from '@spoc/cli';
import type { RunReport } from '@spoc/core';
import { GENERATED_FIELDS } from '@spoc/sandbox';
import { parseDocument } from 'yaml';
import { fiveSystemConfig, fiveSystemNotes } from './five-config.ts';
import {
  FIVE_SYSTEM_PLANS,
  FIVE_SYSTEM_RATES,
  LARGE_BOOK,
  LARGE_BOOK_PLANS,
  LARGE_BOOK_RATES,
  minimumCalls,
  rateBoundMs,
  VENDOR_RATES,
} from './model.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// pnpm passes `pnpm bench -- --sizes N` through with its `--`: drop it rather than fail.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const { values } = parseArgs({
  args,
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    // three: HubSpot, Salesforce, Zendesk (config/spoc.demo.yaml); all: the five (config/spoc.demo-all.yaml).
    systems: { type: 'string', default: 'three' },
  },
});
const sizes = String(values.sizes).split(',').map(Number);
if (values.systems !== 'three' && values.systems !== 'all')
  throw new Error(`--systems is three or all, got ${values.systems}`);
const FIVE = values.systems === 'all';
const SYSTEMS: SystemId[] = FIVE
  ? ['hubspot', 'salesforce', 'zendesk', 'pipedrive', 'freshdesk']
  : ['hubspot', 'salesforce', 'zendesk'];
/** The rates a size runs at: a large book's three systems on LARGE_BOOK_PLANS. */
const large = (accounts: number) => !FIVE && accounts >= LARGE_BOOK;
const ratesFor = (accounts: number) => (FIVE ? FIVE_SYSTEM_RATES : large(accounts) ? LARGE_BOOK_RATES : VENDOR_RATES);

interface SandboxProcess {
  urls: Record<SystemId, string>;
  child: ChildProcess;
}

async function startSandboxProcess(accounts: number): Promise<SandboxProcess> {
  // The five-system run and a large book set plan limits in the seeds, which `spoc sandbox` cannot.
  // The sandbox holds every vendor's records in memory (about 4 GB at a million accounts):
  // the harness's process, not spoc's, so its heap may grow past V8's default limit.
  const command =
    FIVE || large(accounts)
      ? [
          '--max-old-space-size=16384',
          join(ROOT, 'test/bench/bench-sandbox.ts'),
          '--accounts',
          String(accounts),
          ...(FIVE ? ['--systems', 'all'] : ['--systems', 'three', '--plans', 'large']),
        ]
      : [join(ROOT, 'packages/cli/src/main.ts'), 'sandbox', '--accounts', String(accounts)];
  const child = spawn(process.execPath, command, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return { urls: JSON.parse(first), child };
}

/** fetch with a few retries: the harness must not die on one reset connection. */
async function fetchRetry(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

async function sandboxStats(urls: Record<SystemId, string>) {
  const out = {} as Record<SystemId, { total: number; throttled: number; requests: Record<string, number> }>;
  for (const s of SYSTEMS)
    out[s] = (await (await fetchRetry(`${urls[s]}/__sandbox/stats`)).json()) as (typeof out)[SystemId];
  return out;
}

async function resetStats(urls: Record<SystemId, string>) {
  for (const s of SYSTEMS) await fetchRetry(`${urls[s]}/__sandbox/stats/reset`, { method: 'POST' });
}

/** Changes 1 % of HubSpot company owners, as people working in HubSpot would. */
async function humanEdits(hubspot: string, accounts: number, owners: string[]) {
  const ids = Array.from({ length: Math.ceil(accounts / 100) }, (_, i) => String(1_000_000 + i * 97));
  for (let i = 0; i < ids.length; i += 100) {
    const inputs = ids.slice(i, i + 100).map((id, j) => ({
      id,
      properties: { [GENERATED_FIELDS.hubspotCsm]: owners[(i + j) % owners.length] },
    }));
    const res = await fetchRetry(`${hubspot}/crm/v3/objects/companies/batch/update`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'content-type': 'application/json' },
      body: JSON.stringify({ inputs }),
    });
    if (!res.ok) throw new Error(`edit failed: ${res.status}`);
  }
  return ids.length;
}

interface SyncProcess {
  report: RunReport;
  /** The sync process's peak resident memory (Linux VmHWM), in bytes. */
  peakRss: number;
}

/**
 * Runs `spoc sync` as its own process, as cron or a Kubernetes CronJob would, so its
 * peak RSS is the sync's alone (not the harness's, nor an earlier run's heap).
 */
async function syncProcess(configFile: string, env: Record<string, string>): Promise<SyncProcess> {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'packages/cli/src/main.ts'), 'sync', '-c', configFile, '--json', '--force'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env, SPOC_LOG_LEVEL: process.env.SPOC_BENCH_LOG ?? 'error' },
    },
  );
  let peakKb = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // The process has exited: VmHWM is a high-water mark, so the last sample holds.
    }
  };
  const timer = setInterval(sample, 20);
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  const output = Buffer.concat(chunks).toString('utf8');
  if (!output.trim()) throw new Error(`spoc sync exited with ${code} and printed no report`);
  return { report: JSON.parse(output) as RunReport, peakRss: peakKb * 1024 };
}

/** A size's figures; the incremental runs' are absent for a large book (bench:long-lived measures them). */
interface BenchRow extends Partial<IncrementalRuns> {
  accounts: number;
  people: number;
  changes: number;
  written: number;
  failed: number;
  perVendor: {
    system: SystemId;
    calls: number;
    minimum: number;
    ratio: number;
    throttled: number;
    naive: number;
    /** Five-system run only: this vendor's own rate bound, its distinct records written and calls by route. */
    boundMs?: number;
    records?: number;
    requests?: Record<string, number>;
  }[];
  wallMs: number;
  boundMs: number;
  wallRatio: number;
  peakRssMb: number;
  /** Large books (LARGE_BOOK): the plans HubSpot and Zendesk ran on. */
  plans?: typeof LARGE_BOOK_PLANS;
}

interface IncrementalRuns {
  /** The highest peak of the settle, no-change and 1 % runs (incremental: they read the mirror and the baseline). */
  incrementalPeakRssMb: number;
  settleCalls: Record<string, number>;
  noChangeCalls: Record<string, number>;
  noChangeChanges: number;
  onePercent: { edited: number; changes: number; calls: Record<string, number>; wallMs: number };
}

const ZENDESK_EXPORT_HOLD_MS = 61_000;

// Peak RSS is read from /proc (Linux): elsewhere the benchmark runs but cannot say it.
if (!existsSync('/proc/self/status')) console.warn('peak RSS needs Linux /proc: it will show as 0 MB');

const results: BenchRow[] = [];
for (const accounts of sizes) {
  const sandbox = await startSandboxProcess(accounts);
  const dir = mkdtempSync(join(tmpdir(), 'spoc-bench-'));
  try {
    // The §8 model counts the sync itself: cascades (contacts, ticket handover) are
    // follow-ups whose cost depends on contacts and tickets, so they are off here, and
    // so are notices (their delivery is Slack's and Teams' pace, after the writes).
    const configFile = join(dir, 'spoc.yaml');
    const five = FIVE ? fiveSystemConfig(readFileSync(join(ROOT, 'config/spoc.demo-all.yaml'), 'utf8')) : null;
    writeFileSync(
      configFile,
      five ? five.text : withoutNotices(readFileSync(join(ROOT, 'config/spoc.demo.yaml'), 'utf8'), large(accounts)),
    );
    const env = {
      SPOC_DEMO_TOKEN: 'bench',
      ...sandboxEnv(sandbox.urls),
      SPOC_DEMO_STATE: join(dir, 'state.db'),
    };
    // SPOC_BENCH_LOG=info shows each phase of the sync (its log goes to stderr).
    const run = async (label: string) => {
      await resetStats(sandbox.urls);
      const started = performance.now();
      const { report, peakRss } = await syncProcess(configFile, env);
      const wallMs = performance.now() - started;
      const stats = await sandboxStats(sandbox.urls);
      return { label, report, wallMs, rss: peakRss, stats };
    };

    const full = await run('full');
    const people = Math.min(2000, Math.max(8, Math.ceil(accounts / 50)));
    const writtenChanges = (s: SystemId) => full.report.changes.filter((c) => c.system === s && c.result === 'written');
    const written = (s: SystemId) => writtenChanges(s).length;
    const perVendor = SYSTEMS.map((system) => {
      const changes = writtenChanges(system);
      const records = new Set(changes.map((c) => c.recordId)).size;
      const dropdownWrites = changes.some((c) => five?.dropdownRoles[system]?.includes(c.role));
      const min = minimumCalls(system, { accounts, people, writes: changes.length, records, dropdownWrites });
      const calls = full.stats[system].total;
      return {
        system,
        calls,
        minimum: min,
        ratio: round(calls / min),
        throttled: full.stats[system].throttled,
        naive: accounts + written(system),
        ...(FIVE
          ? {
              boundMs: Math.round(rateBoundMs(system, min, ratesFor(accounts))),
              records,
              requests: full.stats[system].requests,
            }
          : {}),
      };
    });
    const boundMs = Math.max(...perVendor.map((v) => rateBoundMs(v.system, v.minimum, ratesFor(accounts))));

    const incremental = large(accounts) ? undefined : await incrementalRuns(run, sandbox.urls, accounts);
    const row: BenchRow = {
      accounts,
      people,
      changes: full.report.counts.changes,
      written: full.report.counts.written,
      failed: full.report.counts.failed,
      perVendor,
      wallMs: Math.round(full.wallMs),
      boundMs: Math.round(boundMs),
      wallRatio: round(full.wallMs / boundMs),
      peakRssMb: Math.round(full.rss / 1e6),
      ...(large(accounts) ? { plans: LARGE_BOOK_PLANS } : {}),
      ...incremental,
    };
    results.push(row);
    printRow(row);
  } finally {
    sandbox.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const file = join(ROOT, FIVE ? 'test/bench/results-five.json' : 'test/bench/results.json');
const previous = (() => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
})();
writeFileSync(
  file,
  `${JSON.stringify(
    FIVE
      ? {
          ...previous,
          date: new Date().toISOString(),
          node: process.version,
          plans: FIVE_SYSTEM_PLANS,
          rates: Object.fromEntries(SYSTEMS.map((s) => [s, FIVE_SYSTEM_RATES[s]])),
          notes: fiveSystemNotes(),
          results: mergeBySize(previous.results, results),
        }
      : {
          ...previous,
          date: new Date().toISOString(),
          node: process.version,
          rates: VENDOR_RATES,
          largeBook: { from: LARGE_BOOK, plans: LARGE_BOOK_PLANS, rates: LARGE_BOOK_RATES },
          results: mergeBySize(previous.results, results),
        },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${file}`);

type Run = (
  label: string,
) => Promise<{ report: RunReport; wallMs: number; rss: number; stats: Awaited<ReturnType<typeof sandboxStats>> }>;

/** After the full sync: a settle run, a run with nothing changed, and a run after people changed 1 % of HubSpot's CSMs. */
async function incrementalRuns(run: Run, urls: Record<SystemId, string>, accounts: number): Promise<IncrementalRuns> {
  // The next run comes as a scheduled one would, more than a minute later: Zendesk's
  // export holds back the last minute, so this is the run that reads spoc's own writes back.
  await new Promise((r) => setTimeout(r, ZENDESK_EXPORT_HOLD_MS));
  const settle = await run('settle');
  const idle = await run('no-change');
  const hubspotOwners = (
    (await (
      await fetch(`${urls.hubspot}/crm/v3/owners/?limit=100`, { headers: { authorization: 'Bearer bench' } })
    ).json()) as {
      results: { id: string; archived: boolean }[];
    }
  ).results
    .filter((o) => !o.archived)
    .map((o) => o.id);
  const edited = await humanEdits(urls.hubspot, accounts, hubspotOwners);
  const onePercent = await run('1%-change');

  return {
    incrementalPeakRssMb: Math.round(Math.max(settle.rss, idle.rss, onePercent.rss) / 1e6),
    settleCalls: Object.fromEntries(SYSTEMS.map((s) => [s, settle.stats[s].total])),
    noChangeCalls: Object.fromEntries(SYSTEMS.map((s) => [s, idle.stats[s].total])),
    noChangeChanges: idle.report.counts.changes,
    onePercent: {
      edited,
      changes: onePercent.report.counts.changes,
      calls: Object.fromEntries(SYSTEMS.map((s) => [s, onePercent.stats[s].total])),
      wallMs: Math.round(onePercent.wallMs),
    },
  };
}

function printRow(row: BenchRow) {
  console.log(
    `\n== ${row.accounts} accounts, ${row.people} people: ${row.changes} changes (${row.written} written, ${row.failed} failed)`,
  );
  console.log('vendor       calls  minimum  ratio  429s  naive per-record calls');
  for (const v of row.perVendor) {
    console.log(
      `${v.system.padEnd(11)} ${String(v.calls).padStart(6)} ${String(v.minimum).padStart(8)} ${String(v.ratio).padStart(6)} ${String(v.throttled).padStart(5)}  ${v.naive}${v.boundMs !== undefined ? `  (rate bound ${v.boundMs} ms, ${v.records} records written)` : ''}`,
    );
  }
  if (FIVE) for (const note of fiveSystemNotes()) console.log(`  note: ${note}`);
  if (row.plans) console.log(`  plans: HubSpot ${row.plans.hubspot.plan}; Zendesk ${row.plans.zendesk.plan}`);
  console.log(
    `wall ${row.wallMs} ms, rate-limit bound ${row.boundMs} ms, ratio ${row.wallRatio}; peak RSS ${row.peakRssMb} MB (incremental runs: ${row.incrementalPeakRssMb ?? 'not run'} MB), each sync in its own process`,
  );
  if (!row.onePercent) return;
  console.log(`settle run calls ${JSON.stringify(row.settleCalls)}`);
  console.log(`no-change run calls ${JSON.stringify(row.noChangeCalls)} (changes ${row.noChangeChanges})`);
  console.log(
    `1% change: ${row.onePercent.edited} edited → ${row.onePercent.changes} changes, calls ${JSON.stringify(row.onePercent.calls)}, ${row.onePercent.wallMs} ms`,
  );
}

function round(n: number) {
  return Math.round(n * 100) / 100;
}

/** The runs of earlier invocations are kept unless this one measured the same size again. */
function mergeBySize(earlier: unknown, now: BenchRow[]): BenchRow[] {
  const kept = (Array.isArray(earlier) ? (earlier as BenchRow[]) : []).filter(
    (r) => !now.some((n) => n.accounts === r.accounts),
  );
  return [...kept, ...now].sort((a, b) => a.accounts - b.accounts);
}

/** The three-system demo config without its first cascade (as measured since round one) and without `notify`. */
function withoutNotices(yaml: string, largePlans: boolean): string {
  const doc = parseDocument(yaml.replace(/^\s*cascade:.*$/m, ''));
  doc.delete('notify');
  // The connectors told the plans' limits, as an admin on those plans would configure them.
  if (largePlans) {
    doc.setIn(['systems', 'hubspot', 'rateLimit', 'perTenSeconds'], LARGE_BOOK_PLANS.hubspot.perTenSeconds);
    doc.setIn(['systems', 'zendesk', 'rateLimit', 'perMinute'], LARGE_BOOK_PLANS.zendesk.perMinute);
  }
  return doc.toString();
}
