import { PgBoss } from 'pg-boss';

/**
 * The queue of sync jobs that `spoc worker` processes drain, in the tenants' Postgres
 * database (pg-boss, in its own schema). One queue for every tenant; the job's
 * singletonKey is its tenant, and the queue's `stately` policy allows one job per tenant
 * in each state: at most one sync of a tenant runs (active) and one waits (created), so
 * a schedule firing while a long sync runs queues one more, never a pile
 * (https://github.com/timgit/pg-boss/blob/master/docs/api/queues.md).
 */
export const SYNC_QUEUE = 'spoc-sync';
const SCHEMA = 'spoc_queue';

export interface SyncJob {
  tenant: string;
  /** What asked for it: a schedule, the console, the command line. */
  reason: 'schedule' | 'console' | 'enqueue';
}

/** What a finished job hands back to the queue (its output): the run it made, and which worker. */
export interface SyncJobOutput {
  runId: string;
  status: 'ok' | 'partial' | 'refused' | 'failed';
  exit: number;
  worker: string;
}

export interface QueueOptions {
  /**
   * A worker that stops beating for this long (killed, its host lost) has its job given to
   * another; it beats every half of it. Default 20 (pg-boss's minimum is 10).
   */
  heartbeatSeconds?: number;
  /** Workers run the queue's upkeep (failing silent jobs, firing schedules); a console only sends. */
  role: 'worker' | 'producer';
  /** Connections in pg-boss's pool. */
  poolSize?: number;
}

export async function openSyncQueue(url: string, options: QueueOptions): Promise<PgBoss> {
  const heartbeatSeconds = options.heartbeatSeconds ?? 20;
  const worker = options.role === 'worker';
  const boss = new PgBoss({
    connectionString: url,
    schema: SCHEMA,
    application_name: `spoc ${options.role}`,
    max: options.poolSize ?? 4,
    // A silent job is found at the next supervision pass: half a heartbeat apart.
    supervise: worker,
    schedule: worker,
    superviseIntervalSeconds: Math.max(1, Math.floor(heartbeatSeconds / 2)),
    monitorIntervalSeconds: Math.max(1, Math.floor(heartbeatSeconds / 2)),
  });
  await boss.start();
  if (!(await boss.getQueue(SYNC_QUEUE))) {
    await boss
      .createQueue(SYNC_QUEUE, {
        policy: 'stately',
        heartbeatSeconds,
        // A sync interrupted (its worker killed) is tried again at once by another worker;
        // its journal makes the retry write nothing twice.
        retryLimit: 3,
        retryDelay: 0,
        // A full sync of a large book is bounded by the vendors' rate limits: hours, not minutes.
        expireInSeconds: 6 * 3600,
        deleteAfterSeconds: 7 * 24 * 3600,
      })
      .catch(async (error: unknown) => {
        // Another worker created it first.
        if (!(await boss.getQueue(SYNC_QUEUE))) throw error;
      });
  }
  return boss;
}

/** Queues a sync of `tenant`; null when one is already waiting (it will run soon anyway). */
export function enqueueSync(boss: PgBoss, job: SyncJob): Promise<string | null> {
  return boss.send(SYNC_QUEUE, job, { singletonKey: job.tenant });
}
