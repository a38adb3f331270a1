import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { enqueueSync, openSyncQueue, SYNC_QUEUE } from '../../packages/cli/src/queue/sync-queue.ts';
import { describePostgres, freshDatabase } from '../postgres/index.ts';
import { tenantConfigYaml } from '../workers/tenant-world.ts';
import { ROOT, spoc, startServing } from './helpers.ts';

// A worker pool on a real Postgres: two `spoc worker` processes drain four tenants' syncs,
// each tenant its own sandbox with rate limits on; one worker is SIGKILLed mid-job.

const MAIN = join(ROOT, 'packages/cli/src/main.ts');
const TENANTS = ['north', 'south', 'east', 'west'];
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

function startWorker(dir: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; pid: number }> {
  const child = spawn(process.execPath, [MAIN, 'worker', '--configs', dir, '--concurrency', '2', '--heartbeat', '10'], {
    env: { ...process.env, SPOC_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup.push(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    lines.once('line', () => resolve({ child, pid: child.pid as number }));
    child.once('exit', (code) => reject(new Error(`spoc worker exited with ${code} before it started`)));
  });
}

interface RunRow {
  tenant: string;
  id: string;
  status: string;
  error: string | null;
  pid: number;
  started_at: string;
  finished_at: string | null;
}

it('a worker refuses configs that cannot make one pool, before it touches a database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spoc-workers-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const urls = { hubspot: 'http://127.0.0.1:9', salesforce: 'http://127.0.0.1:9', zendesk: 'http://127.0.0.1:9' };
  const postgres = tenantConfigYaml(urls);
  const env = {
    SPOC_DEMO_TOKEN: 't',
    SPOC_TEST_STATE_URL: 'postgres://spoc:pw@127.0.0.1:1/spoc',
    OTHER_URL: 'postgres://spoc:pw@127.0.0.1:1/other',
  };
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const a = write('a.yaml', postgres);
  const cases: [string, string[], RegExp][] = [
    [
      'a SQLite config',
      [a, write('local.yaml', postgres.replace(/postgres: .*/, 'sqlite: local.db'))],
      /local\.yaml keeps its state in SQLite/,
    ],
    [
      'two databases',
      [a, write('b.yaml', postgres.replace('SPOC_TEST_STATE_URL', 'OTHER_URL'))],
      /different Postgres databases/,
    ],
    ['one tenant twice', [a, write('c.yaml', `tenant: a\n${postgres}`)], /a\.yaml and .*c\.yaml are both tenant a/],
  ];
  for (const [what, files, message] of cases) {
    const result = await spoc(['worker', ...files], env);
    expect(result.code, what).toBe(2);
    expect(result.stderr, what).toMatch(message);
  }
});

describePostgres('spoc worker', () => {
  it('two workers drain four tenants, one killed mid-job: all converge, nothing is written twice, no job is lost', async () => {
    const database = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'spoc-workers-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const sandboxes = new Map<string, Sandbox<EmulatorId>>();
    for (const [i, tenant] of TENANTS.entries()) {
      const sandbox = await startSandbox({
        emulators: EMULATORS,
        seed: generateSeed({ accounts: 600, seed: i + 1 }),
        port: 0,
        rateLimits: true,
      });
      cleanup.push(() => sandbox.close());
      sandboxes.set(tenant, sandbox);
      writeFileSync(join(dir, `${tenant}.yaml`), tenantConfigYaml(sandbox.urls));
    }
    const env = { SPOC_DEMO_TOKEN: 'worker-e2e', SPOC_TEST_STATE_URL: database };
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    cleanup.push(() => db.end());
    const runs = async (): Promise<RunRow[]> => {
      const rows: RunRow[] = [];
      for (const tenant of TENANTS) {
        const found = await db
          .query(
            `SELECT $1::text AS tenant, id, status, error, pid, started_at, finished_at FROM spoc_${tenant}.runs
                  WHERE dry_run = 0 ORDER BY started_at, rowid`,
            [tenant],
          )
          .catch((error: Error) => {
            // A tenant whose schema is not made yet has no runs.
            if (!/does not exist/.test(error.message)) throw error;
            return { rows: [] };
          });
        rows.push(...(found.rows as RunRow[]));
      }
      return rows;
    };

    const a = await startWorker(dir, env);
    const b = await startWorker(dir, env);
    const producer = await openSyncQueue(database, { role: 'producer' });
    cleanup.push(() => producer.stop({ graceful: false }));
    const jobs = new Map<string, string>();
    for (const tenant of TENANTS) {
      const id = await enqueueSync(producer, { tenant, reason: 'enqueue' });
      expect(id, tenant).not.toBeNull();
      jobs.set(tenant, id as string);
    }

    // Worker a is killed while one of its syncs runs (found by its pid in the tenant's run log).
    let victim: RunRow | undefined;
    for (const deadline = Date.now() + 60_000; !victim && Date.now() < deadline; ) {
      victim = (await runs()).find((r) => r.status === 'running' && r.pid === a.pid);
      if (!victim) await new Promise((r) => setTimeout(r, 50));
    }
    expect(victim, `worker a (${a.pid}) never ran a sync: ${JSON.stringify(await runs())}`).toBeDefined();
    const killed = victim as RunRow;
    // Meanwhile a manual `spoc sync` of that tenant is refused the tenant's lock (exit 3).
    const manual = await spoc(['sync', '--json', '-c', join(dir, `${killed.tenant}.yaml`)], env);
    const stillRunning = (await runs()).some((r) => r.id === killed.id && r.status === 'running');
    if (stillRunning) {
      expect(manual.code, manual.stderr).toBe(3);
      expect(JSON.parse(manual.stdout).message).toContain('holds the lock');
    }
    a.child.kill('SIGKILL');

    // Every job ends completed: worker b takes over a's once its heartbeat is missed.
    const states = async () =>
      Promise.all([...jobs].map(async ([tenant, id]) => ({ tenant, job: await producer.getJobById(SYNC_QUEUE, id) })));
    for (const deadline = Date.now() + 90_000; Date.now() < deadline; ) {
      if ((await states()).every((s) => s.job?.state === 'completed')) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const finished = await states();
    expect(finished.map((s) => [s.tenant, s.job?.state])).toEqual(TENANTS.map((t) => [t, 'completed']));
    const retried = finished.find((s) => s.tenant === killed.tenant)?.job;
    expect(retried?.retryCount).toBeGreaterThanOrEqual(1);
    expect((retried?.output as { worker: string } | undefined)?.worker).toContain(String(b.pid));

    const all = await runs();
    // The killed run is found interrupted by the retry, which ends ok.
    expect(all.find((r) => r.id === killed.id)).toMatchObject({ status: 'failed', error: 'interrupted' });
    for (const tenant of TENANTS) {
      const mine = all.filter((r) => r.tenant === tenant && r.status !== 'refused');
      expect(mine.at(-1)?.status, tenant).toBe('ok');
      // One sync of a tenant at a time: each started after the one before it ended (an
      // interrupted run "ends" when the next one finds it dead).
      const live = mine.filter((r) => r.error !== 'interrupted');
      for (let i = 1; i < live.length; i++)
        expect((live[i]?.started_at ?? '') >= (live[i - 1]?.finished_at ?? ''), `${tenant} runs overlap`).toBe(true);
    }
    // Nothing was written twice: every (record, field) at most once in each vendor's write log.
    for (const [tenant, sandbox] of sandboxes) {
      for (const system of ['hubspot', 'salesforce', 'zendesk'] as const) {
        const writes = sandbox.writes[system].all();
        const keys = writes.map((w) => `${w.object}/${w.id}/${w.field}`);
        expect(new Set(keys).size, `${tenant} ${system}: a write applied twice`).toBe(keys.length);
      }
    }
    // And every tenant is converged: a plan finds nothing left to change.
    for (const tenant of TENANTS) {
      const plan = await spoc(['plan', '--json', '-c', join(dir, `${tenant}.yaml`)], env);
      expect(plan.code, plan.stderr).toBe(0);
      expect(JSON.parse(plan.stdout).counts.changes, tenant).toBe(0);
    }

    b.child.kill('SIGTERM');
    const code = await new Promise((resolve) => b.child.once('exit', resolve));
    expect(code).toBe(0);
  }, 180_000);

  it("a tenant whose state cannot be opened fails its own job, not the worker's other tenants", async () => {
    const database = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'spoc-workers-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const [i, tenant] of ['broken', 'fine'].entries()) {
      const sandbox = await startSandbox({
        emulators: EMULATORS,
        seed: generateSeed({ accounts: 100, seed: 20 + i }),
        port: 0,
        rateLimits: false,
      });
      cleanup.push(() => sandbox.close());
      writeFileSync(join(dir, `${tenant}.yaml`), tenantConfigYaml(sandbox.urls));
    }
    const env = { SPOC_DEMO_TOKEN: 'worker-e2e', SPOC_TEST_STATE_URL: database };
    const worker = await startWorker(dir, env);
    // Once the worker is up, "broken" becomes a tenant written by a newer spoc.
    const db = new pg.Client({ connectionString: database });
    await db.connect();
    cleanup.push(() => db.end());
    await db.query('UPDATE spoc_broken.schema_version SET version = 99');
    const producer = await openSyncQueue(database, { role: 'producer' });
    cleanup.push(() => producer.stop({ graceful: false }));
    const broken = (await enqueueSync(producer, { tenant: 'broken', reason: 'enqueue' })) as string;
    const fine = (await enqueueSync(producer, { tenant: 'fine', reason: 'enqueue' })) as string;
    const state = async (id: string) => (await producer.getJobById(SYNC_QUEUE, id))?.state;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      if ((await state(broken)) === 'failed' && (await state(fine)) === 'completed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect([await state(broken), await state(fine)]).toEqual(['failed', 'completed']);
    expect(JSON.stringify((await producer.getJobById(SYNC_QUEUE, broken))?.output)).toContain('upgrade spoc');
    expect(worker.child.exitCode).toBeNull();
    worker.child.kill('SIGTERM');
  }, 90_000);

  it("the console's Sync now queues the tenant's sync for the pool, and follows the run a worker made", async () => {
    const database = await freshDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'spoc-workers-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const sandbox = await startSandbox({
      emulators: EMULATORS,
      seed: generateSeed({ accounts: 200, seed: 9 }),
      port: 0,
      rateLimits: false,
    });
    cleanup.push(() => sandbox.close());
    const config = join(dir, 'solo.yaml');
    writeFileSync(config, tenantConfigYaml(sandbox.urls));
    const env = { SPOC_DEMO_TOKEN: 'worker-e2e', SPOC_TEST_STATE_URL: database };
    const worker = await startWorker(dir, env);
    const { url, child } = await startServing(['serve', '-c', config, '--port', '0'], env);
    cleanup.push(() => child.exitCode === null && child.kill('SIGKILL'));

    const overview = await (await fetch(url)).text();
    expect(overview).toContain('data-test="sync-now"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(overview)?.[1] ?? '';
    const pressed = await fetch(`${url}/sync-now`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(pressed.status).toBe(303);
    const location = pressed.headers.get('location') ?? '';
    expect(location).toMatch(/^\/runs\/r_/);
    const runId = decodeURIComponent(location.slice('/runs/'.length));
    let run: { status: string; pid: number } | undefined;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      run = ((await (await fetch(`${url}/api/runs/${encodeURIComponent(runId)}`)).json()) as { run: typeof run }).run;
      if (run && run.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // The run is the worker's (its pid), not the console's, and it wrote the book's drift.
    expect(run).toMatchObject({ status: 'ok', pid: worker.pid });
    expect(sandbox.writes.hubspot.all().length).toBeGreaterThan(0);
    worker.child.kill('SIGTERM');
    child.kill('SIGTERM');
  }, 90_000);
});
