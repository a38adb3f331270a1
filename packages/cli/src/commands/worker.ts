import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { runSync, type SpocConfig } from '@spoc/core';
import type { Job } from 'pg-boss';
import { createChannels } from '../channels.ts';
import { createConnectors } from '../connectors.ts';
import { loadConfigOrExit, openConfigStore, openStoreOrExit } from '../context.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import { createLogger } from '../logger.ts';
import { openSyncQueue, SYNC_QUEUE, type SyncJob, type SyncJobOutput } from '../queue/sync-queue.ts';

export interface WorkerOptions {
  configs?: string;
  concurrency: string;
  heartbeat: string;
}

/**
 * `spoc worker CONFIG… | --configs DIR`: drains the sync queue of the configs' tenants,
 * `--concurrency` syncs at a time, and registers each tenant's `schedule` as a pg-boss
 * schedule. Any number of workers on any number of hosts share the queue (give each the
 * same configs); a tenant never has two syncs at once (the queue's policy, and the
 * tenant's advisory lock that `spoc sync` takes too). A worker killed mid-job has it
 * picked up by another once its heartbeat is missed; the journal keeps the retry from
 * writing anything twice. SIGTERM/SIGINT: the running syncs finish their batch and stop.
 * First stdout line: {"worker": …, "tenants": […]} once it takes jobs.
 */
export async function workerCommand(
  files: string[],
  options: WorkerOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const concurrency = Number(options.concurrency);
  const heartbeatSeconds = Number(options.heartbeat);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    process.stderr.write(`spoc worker: --concurrency ${options.concurrency} is not a number of syncs from 1 to 64\n`);
    return EXIT.usage;
  }
  if (!Number.isInteger(heartbeatSeconds) || heartbeatSeconds < 10) {
    process.stderr.write(`spoc worker: --heartbeat ${options.heartbeat} is not a number of seconds, 10 or more\n`);
    return EXIT.usage;
  }
  const paths = [...files.map((f) => resolve(f)), ...(options.configs ? configsIn(options.configs) : [])];
  if (paths.length === 0) {
    process.stderr.write('spoc worker: give config files, or --configs DIR\n');
    return EXIT.usage;
  }
  // Every config is loaded and checked before any job is taken: a bad one is exit 2, never half a pool.
  const configs = paths.map((path) => loadConfigOrExit(path, env));
  const pool = poolOf(configs);
  if ('problem' in pool) {
    process.stderr.write(`spoc worker: ${pool.problem}\n`);
    return EXIT.usage;
  }
  const logger = createLogger();
  // Each tenant's store opened once now: unreachable, refused or too new is exit 2 before the queue.
  for (const config of configs) openStoreOrExit(config, logger).close();
  const byTenant = new Map(configs.map((c) => [c.tenant, c]));
  const boss = await openSyncQueue(pool.url, { role: 'worker', heartbeatSeconds, poolSize: concurrency + 3 });
  boss.on('error', (error: Error) => logger.error({ err: error.message }, 'queue error'));

  for (const config of configs) {
    if (config.schedule) {
      await boss.schedule(
        SYNC_QUEUE,
        config.schedule,
        { tenant: config.tenant, reason: 'schedule' } satisfies SyncJob,
        {
          key: config.tenant,
          singletonKey: config.tenant,
        },
      );
    } else {
      await boss.unschedule(SYNC_QUEUE, config.tenant);
    }
  }

  const stopping = new AbortController();
  const me = `${hostname()}:${process.pid}`;
  const runJob = async ([job]: Job<SyncJob>[]): Promise<SyncJobOutput> => {
    if (!job) throw new Error('pg-boss handed an empty batch');
    const config = byTenant.get(job.data.tenant);
    // A pool is given the same configs; a job of a tenant this worker lacks goes back to the queue.
    if (!config) throw new Error(`this worker (${me}) has no config for tenant ${job.data.tenant}`);
    const log = logger.child({ tenant: config.tenant, job: job.id, attempt: job.retryCount });
    log.info({ reason: job.data.reason }, 'sync job started');
    // A database that went away fails this job (the queue retries it), not the worker's other jobs.
    const store = openConfigStore(config, log);
    try {
      const connectors = await createConnectors(config, log);
      const report = await runSync(
        { config, connectors, channels: createChannels(config, log), store, logger: log },
        {
          dryRun: false,
          full: false,
          force: false,
          // Stops after the current batch: this worker is stopping, or the queue gave the job away.
          signal: AbortSignal.any([stopping.signal, job.signal]),
        },
      );
      const output = { runId: report.runId, status: report.status, exit: exitCodeOf(report), worker: me };
      log.info({ ...output, counts: report.counts }, 'sync job finished');
      return output;
    } finally {
      store.close();
    }
  };
  await boss.work<SyncJob, SyncJobOutput>(
    SYNC_QUEUE,
    { localConcurrency: concurrency, batchSize: 1, pollingIntervalSeconds: 1 },
    runJob,
  );
  process.stdout.write(`${JSON.stringify({ worker: me, tenants: [...byTenant.keys()], concurrency })}\n`);
  logger.info({ tenants: byTenant.size, concurrency, heartbeatSeconds }, 'worker started');

  await new Promise<void>((done) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.warn({ signal }, 'stopping: running syncs finish their batch first');
      stopping.abort(new Error(`received ${signal}`));
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await boss.stop({ graceful: true, timeout: 120_000 });
  return EXIT.ok;
}

/** The YAML configs in a folder, in name order. */
function configsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => resolve(join(dir, f)));
}

/** The database these configs' tenants share, or why they cannot make one pool: SQLite state, several databases, a tenant twice. */
function poolOf(configs: SpocConfig[]): { url: string } | { problem: string } {
  const urls = new Set<string>();
  for (const c of configs) {
    if (!('postgres' in c.state))
      return { problem: `${c.file} keeps its state in SQLite (${c.statePath}): a worker needs state: { postgres: … }` };
    urls.add(c.state.postgres);
  }
  const [url, ...others] = urls;
  if (url === undefined || others.length > 0)
    return { problem: 'the configs name different Postgres databases: one pool serves the tenants of one database' };
  const seen = new Map<string, string>();
  for (const c of configs) {
    const other = seen.get(c.tenant);
    if (other)
      return { problem: `${other} and ${c.file} are both tenant ${c.tenant}: give one of them another tenant:` };
    seen.set(c.tenant, c.file);
  }
  return { url };
}
