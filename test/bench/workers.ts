// `pnpm bench:workers` (issue 21): a pool of `spoc worker` processes drains one sync job
// per tenant from pg-boss, each tenant its own sandbox vendors with their rate limits on
// (so limits are per tenant), state in a throwaway Postgres. For each worker count: wall
// time from enqueue to the last job completed, jobs per minute, speed-up over one worker,
// overlapping runs of one tenant (must be 0), each worker's peak RSS and the CPU used.
// Then one run with two workers where one is SIGKILLed mid-job: every job completes, the
// killed run is found interrupted and retried ok, no (object, id, field) is written twice
// in any sandbox's write log, and a second round finds nothing left to write.
// Exits 1 when any of that fails.
//
//   pnpm bench:workers                                   # 40 tenants × 2,000 accounts, 1, 2, 4 workers
//   pnpm bench:workers --tenants 6 --accounts 300 --workers 1,2 --concurrency 2
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunReport } from '@spoc/core';
import type { WriteEntry } from '@spoc/sandbox';
import pg from 'pg';
import { enqueueSync, openSyncQueue, SYNC_QUEUE, type SyncJobOutput } from '../../packages/cli/src/queue/sync-queue.ts';
import { startThrowawayPostgres } from '../postgres/cluster.ts';
import { tenantConfigYaml } from '../workers/tenant-world.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/src/main.ts');
const SYSTEMS = ['hubspot', 'salesforce', 'zendesk'] as const;
const HEARTBEAT_SECONDS = 10;
const KILL_WORKERS = 2;

// pnpm passes `pnpm bench:workers -- --tenants N` through with its `--`: drop it rather than fail.
const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
const { values } = parseArgs({
  args,
  options: {
    tenants: { type: 'string', default: '40' },
    accounts: { type: 'string', default: '2000' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '2' },
    // A drain that takes longer than this has lost jobs.
    'timeout-minutes': { type: 'string', default: '30' },
  },
});
const TENANTS = whole('tenants', values.tenants);
const ACCOUNTS = whole('accounts', values.accounts);
const CONCURRENCY = whole('concurrency', values.concurrency);
const TIMEOUT_MS = whole('timeout-minutes', values['timeout-minutes']) * 60_000;
const WORKER_COUNTS = String(values.workers)
  .split(',')
  .map((n) => whole('workers', n));
const COMMAND = `pnpm bench:workers --tenants ${TENANTS} --accounts ${ACCOUNTS} --workers ${WORKER_COUNTS.join(',')} --concurrency ${CONCURRENCY}`;
const CORES = cpus().length;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const LOG_LEVEL = process.env.SPOC_BENCH_LOG ?? 'warn';
const tenantNames = Array.from({ length: TENANTS }, (_, i) => `tenant${String(i + 1).padStart(2, '0')}`);

function whole(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} takes a positive whole number, got ${text}`);
  return n;
}

if (!readable('/proc/self/stat')) throw new Error('bench:workers reads RSS and CPU from /proc: it runs on Linux');

// ---------------------------------------------------------------- processes and /proc

interface Sandboxes {
  child: ChildProcess;
  /** Each tenant's vendor URLs, in tenantNames order. */
  urls: Record<(typeof SYSTEMS)[number], string>[];
}

/** The tenants' sandboxes in a process of their own (./workers-sandboxes.ts), from worlds seeded `seed`, `seed`+1, … */
async function startSandboxes(seed: number): Promise<Sandboxes> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'test/bench/workers-sandboxes.ts'),
      ...['--tenants', String(TENANTS), '--accounts', String(ACCOUNTS), '--seed', String(seed)],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return { child, urls: JSON.parse(await firstLine(child, 'the sandboxes')) };
}

interface Worker {
  child: ChildProcess;
  pid: number;
  log: string;
}

/** A `spoc worker` process over every tenant's config; resolves once it takes jobs (its first stdout line). */
async function startWorker(dir: string, env: NodeJS.ProcessEnv, index: number): Promise<Worker> {
  const log = join(dir, `worker-${index}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(
    process.execPath,
    [MAIN, 'worker', '--configs', dir, '--concurrency', String(CONCURRENCY), '--heartbeat', String(HEARTBEAT_SECONDS)],
    { env: { ...process.env, SPOC_LOG_LEVEL: LOG_LEVEL, ...env }, stdio: ['ignore', 'pipe', fd] },
  );
  closeSync(fd);
  await firstLine(child, `spoc worker ${index} (log ${log})`);
  return { child, pid: child.pid as number, log };
}

function firstLine(child: ChildProcess, what: string): Promise<string> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      // Keep reading, so a later line never blocks the child on a full pipe.
      lines.on('line', () => {});
      resolve(line);
    });
    child.once('exit', (code, signal) => reject(new Error(`${what} exited (${code ?? signal}) before it was ready`)));
  });
}

async function stop(child: ChildProcess, graceMs = 130_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The fields of /proc/<pid>/stat after the command (which may hold spaces): [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
function procStat(pid: number): number[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
}

/** A process's CPU time so far (user + system, every thread) in seconds and its peak RSS (VmHWM) in MB. */
function processUse(pid: number): { cpuSeconds: number; peakRssMb: number } {
  const fields = procStat(pid);
  const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { cpuSeconds: ((fields[11] ?? 0) + (fields[12] ?? 0)) / CLOCK_TICKS, peakRssMb: Math.round(hwmKb / 1024) };
}

/**
 * The Postgres server's CPU seconds so far: the postmaster's own and its reaped backends'
 * (cutime, cstime: a backend ends with its connection), plus the backends alive now.
 */
function postgresSeconds(postmaster: number): number {
  const own = procStat(postmaster);
  let ticks = (own[11] ?? 0) + (own[12] ?? 0) + (own[13] ?? 0) + (own[14] ?? 0);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = procStat(Number(entry));
      if (fields[1] === postmaster) ticks += (fields[11] ?? 0) + (fields[12] ?? 0);
    } catch {
      // Gone since the listing.
    }
  }
  return ticks / CLOCK_TICKS;
}

/** The machine's busy and total CPU seconds so far, every core (/proc/stat's first line). */
function machineUse(): { busy: number; total: number } {
  const [, ...ticks] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

function readable(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- a pool over fresh tenants

interface RunRow {
  tenant: string;
  id: string;
  status: string;
  error: string | null;
  pid: number;
  started_at: string;
  finished_at: string | null;
  duration_ms: string | null;
  counts: string | null;
}

type JobState = Awaited<ReturnType<Awaited<ReturnType<typeof openSyncQueue>>['findJobs']>>[number];

/** Fresh sandboxes, a fresh database, every tenant's config in a temp folder, `workers` workers taking jobs. */
async function startPool(label: string, workers: number, seed: number) {
  const sandboxes = await startSandboxes(seed);
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const name = `bench_workers_${label}_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  const database = url.toString();

  const dir = mkdtempSync(join(tmpdir(), 'spoc-bench-workers-'));
  tenantNames.forEach((tenant, i) => {
    writeFileSync(join(dir, `${tenant}.yaml`), tenantConfigYaml(sandboxes.urls[i] as Record<string, string>));
  });
  const env = { SPOC_DEMO_TOKEN: 'bench-workers', SPOC_TEST_STATE_URL: database };
  const db = new pg.Client({ connectionString: database });
  await db.connect();
  // One after another: the first migrates every tenant's schema, so the others find them made.
  const pool: Worker[] = [];
  for (let i = 1; i <= workers; i++) pool.push(await startWorker(dir, env, i));
  const producer = await openSyncQueue(database, { role: 'producer' });
  producer.on('error', (error: Error) => console.error(`queue error (producer): ${error.message}`));

  const runs = async (): Promise<RunRow[]> => {
    const rows: RunRow[] = [];
    for (const tenant of tenantNames) {
      const found = await db.query(
        `SELECT $1::text AS tenant, id, status, error, pid, started_at, finished_at, duration_ms, counts
           FROM ${db.escapeIdentifier(`spoc_${tenant}`)}.runs WHERE dry_run = 0 ORDER BY started_at, rowid`,
        [tenant],
      );
      rows.push(...(found.rows as RunRow[]));
    }
    return rows;
  };

  /** One job per tenant; their ids by tenant. */
  const enqueueAll = async (): Promise<Map<string, string>> => {
    const ids = new Map<string, string>();
    for (const tenant of tenantNames) {
      const id = await enqueueSync(producer, { tenant, reason: 'enqueue' });
      if (!id) throw new Error(`${tenant}: a sync job was already waiting, in a fresh database`);
      ids.set(tenant, id);
    }
    return ids;
  };

  /** Waits until every job is completed or failed (or the timeout); the jobs by tenant. */
  const drain = async (ids: Map<string, string>): Promise<Map<string, JobState | undefined>> => {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const jobs = new Map((await producer.findJobs(SYNC_QUEUE, { limit: 100_000 })).map((j) => [j.id, j]));
      const mine = new Map([...ids].map(([tenant, id]) => [tenant, jobs.get(id)]));
      const done = [...mine.values()].every((j) => j?.state === 'completed' || j?.state === 'failed');
      // With every worker gone nothing will finish them: what is left is lost.
      const noWorker = pool.every((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      if (done || noWorker || Date.now() > deadline) return mine;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  /** 429s every tenant's sandbox answered, all three vendors. */
  const throttled = async (): Promise<number> => {
    let n = 0;
    for (const urls of sandboxes.urls)
      for (const system of SYSTEMS)
        n += ((await (await fetch(`${urls[system]}/__sandbox/stats`)).json()) as { throttled: number }).throttled;
    return n;
  };

  /** Every tenant's sandbox write log, all three vendors. */
  const writes = async (): Promise<Map<string, (WriteEntry & { system: string })[]>> => {
    const out = new Map<string, (WriteEntry & { system: string })[]>();
    for (const [i, tenant] of tenantNames.entries()) {
      const all: (WriteEntry & { system: string })[] = [];
      for (const system of SYSTEMS) {
        const response = await fetch(`${sandboxes.urls[i]?.[system]}/__sandbox/writes`);
        const body = (await response.json()) as { writes: WriteEntry[] };
        all.push(...body.writes.map((w) => ({ ...w, system })));
      }
      out.set(tenant, all);
    }
    return out;
  };

  const close = async () => {
    await producer.stop({ graceful: false });
    for (const w of pool) await stop(w.child);
    await stop(sandboxes.child, 10_000);
    await db.end();
    rmSync(dir, { recursive: true, force: true });
  };
  return { sandboxes, pool, runs, enqueueAll, drain, writes, throttled, close };
}

type Pool = Awaited<ReturnType<typeof startPool>>;

/** Runs of one tenant whose [started, finished] intervals intersect, refused and interrupted ones aside. */
function overlaps(rows: RunRow[]): { count: number; examples: string[] } {
  let count = 0;
  const examples: string[] = [];
  for (const tenant of tenantNames) {
    const live = rows.filter((r) => r.tenant === tenant && r.status !== 'refused' && r.error !== 'interrupted');
    for (let i = 0; i < live.length; i++)
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i] as RunRow;
        const b = live[j] as RunRow;
        const end = (r: RunRow) => (r.finished_at === null ? Number.POSITIVE_INFINITY : Date.parse(r.finished_at));
        if (Date.parse(a.started_at) < end(b) && Date.parse(b.started_at) < end(a)) {
          count++;
          if (examples.length < 5) examples.push(`${tenant}: ${a.id} (pid ${a.pid}) and ${b.id} (pid ${b.pid})`);
        }
      }
  }
  return { count, examples };
}

/** (object, id, field) keys written more than once in one tenant's vendor, and how many writes there were. */
function duplicateWrites(logs: Map<string, (WriteEntry & { system: string })[]>) {
  const duplicates: string[] = [];
  let total = 0;
  for (const [tenant, log] of logs) {
    total += log.length;
    const seen = new Set<string>();
    for (const w of log) {
      const key = `${w.system} ${w.object}/${w.id}/${w.field}`;
      if (seen.has(key)) duplicates.push(`${tenant} ${key}`);
      seen.add(key);
    }
  }
  return { duplicates, total };
}

/** Jobs not completed with an ok sync: lost (never finished), failed, or a sync that did not end ok. */
function badJobs(jobs: Map<string, JobState | undefined>): string[] {
  const bad: string[] = [];
  for (const [tenant, job] of jobs) {
    const output = job?.output as Partial<SyncJobOutput> | undefined;
    if (!job) bad.push(`${tenant}: job lost (not in the queue)`);
    else if (job.state !== 'completed')
      bad.push(`${tenant}: job ${job.state} after ${job.retryCount} retries: ${JSON.stringify(job.output)}`);
    else if (output?.status !== 'ok') bad.push(`${tenant}: sync ${output?.status} (run ${output?.runId})`);
  }
  return bad;
}

/** From the first job's creation to the last one's completion, by the database's clock. */
function drainSeconds(jobs: Map<string, JobState | undefined>): number {
  const all = [...jobs.values()].filter((j): j is JobState => j !== undefined);
  const first = Math.min(...all.map((j) => j.createdOn.getTime()));
  const last = Math.max(...all.map((j) => j.completedOn?.getTime() ?? Date.now()));
  return (last - first) / 1000;
}

function meanSyncSeconds(rows: RunRow[]): number {
  const ok = rows.filter((r) => r.status === 'ok' && r.duration_ms !== null);
  return ok.reduce((sum, r) => sum + Number(r.duration_ms), 0) / Math.max(1, ok.length) / 1000;
}

// ---------------------------------------------------------------- the runs

interface Row {
  workers: number;
  jobs: number;
  okJobs: number;
  wallSeconds: number;
  meanSyncSeconds: number;
  overlaps: number;
  peakRssMb: number[];
  cpu: { workers: number; sandboxes: number; postgres: number; machine: number };
  /** 429s the tenants' sandboxes answered: how much the vendors' rate limits held the syncs back. */
  throttled: number;
  writes: number;
  duplicates: number;
}

const problems: string[] = [];
const problem = (text: string) => {
  problems.push(text);
  console.error(`PROBLEM ${text}`);
};

/** CPU shares (of every core) of the workers, the sandboxes and the whole machine between two samples. */
function cpuMeter(pool: Pool) {
  const sample = () => ({
    workers: pool.pool.map((w) => processUse(w.pid).cpuSeconds),
    sandboxes: processUse(pool.sandboxes.child.pid as number).cpuSeconds,
    postgres: postgresSeconds(postmaster),
    machine: machineUse(),
    at: performance.now(),
  });
  const start = sample();
  return (workerCpuAtEnd?: number[]) => {
    const end = sample();
    const seconds = (end.at - start.at) / 1000;
    const share = (used: number) => Math.round((100 * used) / (seconds * CORES));
    const workerEnd = workerCpuAtEnd ?? end.workers;
    return {
      workers: share(workerEnd.reduce((a, b) => a + b, 0) - start.workers.reduce((a, b) => a + b, 0)),
      sandboxes: share(end.sandboxes - start.sandboxes),
      postgres: share(end.postgres - start.postgres),
      machine: Math.round((100 * (end.machine.busy - start.machine.busy)) / (end.machine.total - start.machine.total)),
    };
  };
}

async function timedRun(workers: number, seed: number): Promise<Row> {
  const pool = await startPool(`w${workers}`, workers, seed);
  try {
    const meter = cpuMeter(pool);
    const jobs = await pool.drain(await pool.enqueueAll());
    const cpu = meter();
    const peakRssMb = pool.pool.map((w) => processUse(w.pid).peakRssMb);
    const rows = await pool.runs();
    const bad = badJobs(jobs);
    for (const b of bad) problem(`${workers} workers: ${b}`);
    const overlap = overlaps(rows);
    for (const e of overlap.examples) problem(`${workers} workers: runs overlap: ${e}`);
    const written = duplicateWrites(await pool.writes());
    for (const d of written.duplicates.slice(0, 5)) problem(`${workers} workers: written twice: ${d}`);
    if (bad.length > 0) console.error(`worker logs: ${pool.pool.map((w) => w.log).join(', ')}`);
    return {
      workers,
      jobs: jobs.size,
      okJobs: jobs.size - bad.length,
      wallSeconds: drainSeconds(jobs),
      meanSyncSeconds: meanSyncSeconds(rows),
      overlaps: overlap.count,
      peakRssMb,
      cpu,
      throttled: await pool.throttled(),
      writes: written.total,
      duplicates: written.duplicates.length,
    };
  } finally {
    await pool.close();
  }
}

interface KillResult {
  lines: string[];
}

async function killRun(seed: number): Promise<KillResult> {
  const pool = await startPool('kill', KILL_WORKERS, seed);
  const lines: string[] = [];
  const check = (ok: boolean, text: string) => {
    lines.push(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
    if (!ok) problem(`kill run: ${text}`);
  };
  try {
    const [victim, survivor] = pool.pool as [Worker, Worker];
    const ids = await pool.enqueueAll();

    // Killed mid-job: while one of its syncs runs and has begun writing (the sandbox's write
    // log of that tenant grew), so the retry has a half-written run to resume.
    let target: RunRow | undefined;
    let writesBefore = 0;
    const tenantIndex = (tenant: string) => tenantNames.indexOf(tenant);
    const writeCount = async (tenant: string) => {
      let n = 0;
      for (const system of SYSTEMS) {
        const response = await fetch(`${pool.sandboxes.urls[tenantIndex(tenant)]?.[system]}/__sandbox/writes`);
        n += ((await response.json()) as { writes: unknown[] }).writes.length;
      }
      return n;
    };
    for (const deadline = Date.now() + TIMEOUT_MS; !target && Date.now() < deadline; ) {
      const running = (await pool.runs()).filter((r) => r.status === 'running' && r.pid === victim.pid);
      for (const run of running) {
        writesBefore = await writeCount(run.tenant);
        if (writesBefore > 0) {
          target = run;
          break;
        }
      }
      if (!target) await new Promise((r) => setTimeout(r, 100));
    }
    if (!target) {
      check(false, `worker ${victim.pid} never had a sync writing within ${TIMEOUT_MS / 60_000} min`);
      return { lines };
    }
    const victimUse = processUse(victim.pid);
    victim.child.kill('SIGKILL');
    const killedAt = new Date().toISOString();
    lines.push(
      `killed worker pid ${victim.pid} (SIGKILL) at ${killedAt} during ${target.tenant}'s run ${target.id}, after ${writesBefore} of its writes; peak RSS ${victimUse.peakRssMb} MB`,
    );

    const jobs = await pool.drain(ids);
    const bad = badJobs(jobs);
    check(bad.length === 0, `every job completed with an ok sync: ${jobs.size - bad.length}/${jobs.size}`);
    for (const b of bad.slice(0, 5)) lines.push(`       ${b}`);
    const retried = jobs.get(target.tenant);
    const retriedBy = (retried?.output as Partial<SyncJobOutput> | undefined)?.worker ?? '';
    check(
      (retried?.retryCount ?? 0) >= 1 && retriedBy.endsWith(`:${survivor.pid}`),
      `${target.tenant}'s job retried by the survivor: retryCount ${retried?.retryCount}, finished by ${retriedBy}`,
    );
    const rows = await pool.runs();
    const killed = rows.find((r) => r.id === target.id);
    check(
      killed?.status === 'failed' && killed.error === 'interrupted',
      `the killed run is marked interrupted: ${killed?.status} / ${killed?.error}`,
    );
    const later = rows.filter((r) => r.tenant === target.tenant && r.started_at > target.started_at);
    check(
      later.at(-1)?.status === 'ok',
      `a later run of ${target.tenant} is ok: ${later.map((r) => `${r.id} ${r.status}`).join(', ') || 'none'}`,
    );
    const overlap = overlaps(rows);
    check(overlap.count === 0, `overlapping runs of one tenant: ${overlap.count}`);
    for (const e of overlap.examples) lines.push(`       ${e}`);
    const latestOk = tenantNames.filter(
      (t) => rows.filter((r) => r.tenant === t && r.status !== 'refused').at(-1)?.status === 'ok',
    ).length;
    check(latestOk === TENANTS, `every tenant's latest run is ok: ${latestOk}/${TENANTS}`);
    const firstLogs = await pool.writes();
    const first = duplicateWrites(firstLogs);
    check(
      first.duplicates.length === 0,
      `no (object, id, field) written twice: ${first.duplicates.length} duplicates among ${first.total} writes`,
    );
    for (const d of first.duplicates.slice(0, 5)) lines.push(`       ${d}`);
    lines.push(
      `drained in ${drainSeconds(jobs).toFixed(1)} s with the kill (heartbeat ${HEARTBEAT_SECONDS} s); the survivor's peak RSS ${processUse(survivor.pid).peakRssMb} MB`,
    );

    // Converged: a second round of every tenant plans and writes nothing.
    const second = await pool.drain(await pool.enqueueAll());
    const secondBad = badJobs(second);
    check(
      secondBad.length === 0,
      `second round: every job completed ok: ${second.size - secondBad.length}/${second.size}`,
    );
    const secondRuns = new Set([...second.values()].map((j) => (j?.output as Partial<SyncJobOutput>)?.runId));
    const changes = (await pool.runs())
      .filter((r) => secondRuns.has(r.id))
      .reduce((sum, r) => sum + ((JSON.parse(r.counts ?? '{}') as Partial<RunReport['counts']>).changes ?? 0), 0);
    const grown = duplicateWrites(await pool.writes()).total - first.total;
    check(
      changes === 0 && grown === 0,
      `second round converged: ${changes} changes planned, ${grown} writes (in ${drainSeconds(second).toFixed(1)} s)`,
    );
    return { lines };
  } finally {
    await pool.close();
  }
}

// ---------------------------------------------------------------- main

const server = await startThrowawayPostgres();
const postmaster = await (async () => {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  const { rows } = await admin.query('SHOW data_directory');
  await admin.end();
  // postmaster.pid's first line is the server's pid.
  return Number(readFileSync(join(rows[0].data_directory, 'postmaster.pid'), 'utf8').split('\n')[0]);
})();
const began = performance.now();
const rows: Row[] = [];
let killLines: string[] = [];
try {
  console.log(
    `${TENANTS} tenants × ${ACCOUNTS} accounts, each its own sandbox (rate limits on); worker counts ${WORKER_COUNTS.join(', ')}, --concurrency ${CONCURRENCY}; PostgreSQL ${server.version}; ${CORES} cores`,
  );
  for (const [i, workers] of WORKER_COUNTS.entries()) {
    const row = await timedRun(workers, 1 + i * 1000);
    rows.push(row);
    console.log(
      `  ${workers} worker(s): ${row.okJobs}/${row.jobs} jobs in ${row.wallSeconds.toFixed(1)} s, ${row.writes} writes`,
    );
  }
  killLines = (await killRun(1 + WORKER_COUNTS.length * 1000)).lines;
} finally {
  await server.stop();
}

const base = rows.find((r) => r.workers === 1);
const perMinute = (r: Row) => (r.okJobs / r.wallSeconds) * 60;
const table = [
  [
    'workers',
    'concurrency',
    'jobs',
    'wall s',
    'jobs/min',
    'speed-up vs 1',
    'mean sync s',
    'overlaps',
    'dup writes',
    '429s',
    'peak RSS per worker MB',
    `CPU % of ${CORES} cores: workers / sandboxes / postgres / rest / machine`,
  ],
  ...rows.map((r) => [
    String(r.workers),
    String(CONCURRENCY),
    r.okJobs === r.jobs ? String(r.jobs) : `${r.okJobs}/${r.jobs}`,
    r.wallSeconds.toFixed(1),
    perMinute(r).toFixed(1),
    base ? `${(perMinute(r) / perMinute(base)).toFixed(2)}×` : '-',
    r.meanSyncSeconds.toFixed(1),
    String(r.overlaps),
    String(r.duplicates),
    String(r.throttled),
    r.peakRssMb.join(' / '),
    `${r.cpu.workers} / ${r.cpu.sandboxes} / ${r.cpu.postgres} / ${Math.max(0, r.cpu.machine - r.cpu.workers - r.cpu.sandboxes - r.cpu.postgres)} / ${r.cpu.machine}`,
  ]),
];
const widths = (table[0] ?? []).map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
console.log('');
for (const [i, row] of table.entries()) {
  console.log(`| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`);
  if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
}
console.log(
  "wall: first job created to last completed (pg-boss timestamps); mean sync: the ok runs' duration; 429s: what the sandboxes refused; rest: the harness, the kernel and anything else this machine ran meanwhile",
);
// Where more workers stop helping: the first step that gains less than a fifth per worker count step.
for (let i = 1; i < rows.length; i++) {
  const [a, b] = [rows[i - 1] as Row, rows[i] as Row];
  const gain = perMinute(b) / perMinute(a);
  console.log(
    `${a.workers} → ${b.workers} workers: jobs/min ×${gain.toFixed(2)}, machine CPU ${a.cpu.machine} % → ${b.cpu.machine} %${gain < 1.2 ? '  ← more workers stop helping here' : ''}`,
  );
}
console.log(`\nkill run (${KILL_WORKERS} workers, --concurrency ${CONCURRENCY}, one SIGKILLed mid-job):`);
for (const line of killLines) console.log(`  ${line}`);
console.log(`\nreproduce: ${COMMAND}`);
console.log(`took ${((performance.now() - began) / 60_000).toFixed(1)} min`);
if (problems.length > 0) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exitCode = 1;
}
