import { setTimeout as sleep } from 'node:timers/promises';
import type { SyncRunner } from '@spoc/console';
import type { SpocConfig } from '@spoc/core';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { enqueueSync, openSyncQueue, SYNC_QUEUE, type SyncJobOutput } from './sync-queue.ts';

/**
 * The console's "Sync now" for a Postgres tenant: the sync is queued for the worker pool
 * (the same queue and lock as its schedule), not run in the console's process. The
 * runner ends when a worker has run it, with that run.
 */
export function queuedSync(config: SpocConfig, logger: Logger): { runner: SyncRunner; close(): Promise<void> } {
  if (!('postgres' in config.state)) throw new Error(`${config.file}: a queued sync needs a Postgres state`);
  const url = config.state.postgres;
  let queue: Promise<PgBoss> | undefined;
  const runner: SyncRunner = async ({ signal }) => {
    queue ??= openSyncQueue(url, { role: 'producer', poolSize: 2 }).catch((error: unknown) => {
      // Not kept: the next press tries again.
      queue = undefined;
      throw error;
    });
    const boss = await queue;
    const id = await enqueueSync(boss, { tenant: config.tenant, reason: 'console' });
    if (!id) throw new Error(`a sync of tenant ${config.tenant} is already waiting for a worker`);
    logger.info({ job: id, tenant: config.tenant }, 'sync queued for the worker pool');
    for (;;) {
      const job = await boss.getJobById(SYNC_QUEUE, id);
      if (job?.state === 'completed') return job.output as SyncJobOutput;
      if (job?.state === 'failed' || job?.state === 'cancelled')
        throw new Error(`the worker's sync ended ${job.state}: ${JSON.stringify(job.output ?? null)}`);
      await sleep(500, undefined, { signal });
    }
  };
  return {
    runner,
    close: async () => {
      const started = queue;
      queue = undefined;
      if (started) await (await started.catch(() => undefined))?.stop({ graceful: false });
    },
  };
}
