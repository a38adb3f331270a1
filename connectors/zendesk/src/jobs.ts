import { isSpocError, type RecordOutcome, SpocError, sleep } from '@spoc/core/connector';
import type { ZendeskApi, ZendeskUri } from './api.ts';
import { type JobStatus, jobFinished, jobOutcome, jobStatusUri, parseJobStatus } from './mapping.ts';

export interface JobOptions {
  /** Wait before the first poll; doubles between polls up to 8×. */
  pollMs: number;
  /** Give up after this long and report the job's records as failed. */
  timeoutMs: number;
}

/** One bulk update (update_many) to its outcome per id. */
export type BulkJob = (
  uri: ZendeskUri,
  body: object,
  ids: string[],
  signal?: AbortSignal,
) => Promise<Map<string, RecordOutcome>>;

/** Bulk updates through `api`, each one polled to its end (see runBulkJob). */
export function bulkJobs(api: ZendeskApi, options: JobOptions): BulkJob {
  return (uri, body, ids, signal) => runBulkJob(api, uri, body, ids, options, signal);
}

/**
 * Runs one bulk update (update_many) and returns, per id, whether Zendesk applied it.
 * Zendesk applies bulk updates asynchronously: the PUT only queues a job. Anything but
 * a per-record success in the finished job (a failed or killed job, a record the job
 * does not mention, a job still running at the deadline, a poll that keeps failing) is
 * reported as that record's failure, never assumed done.
 */
export async function runBulkJob(
  api: ZendeskApi,
  uri: ZendeskUri,
  body: object,
  ids: string[],
  options: JobOptions,
  signal?: AbortSignal,
): Promise<Map<string, RecordOutcome>> {
  const queued = parseJobStatus((await api.put(uri, body, signal)).result);
  let job: JobStatus;
  try {
    job = jobFinished(queued) ? queued : await pollJob(api, queued.id, options, signal);
  } catch (error) {
    // The PUT was accepted, so the records may or may not be written: say so per record.
    if (!isSpocError(error) || error.kind === 'auth' || signal?.aborted) throw error;
    const message = `job ${queued.id} accepted, but its outcome could not be read: ${error.message}`;
    return new Map(ids.map((id) => [id, { ok: false, code: 'JOB_UNKNOWN', message }]));
  }
  return jobOutcome(job, ids);
}

async function pollJob(api: ZendeskApi, jobId: string, options: JobOptions, signal?: AbortSignal): Promise<JobStatus> {
  const deadline = Date.now() + options.timeoutMs;
  let wait = options.pollMs;
  for (;;) {
    await sleep(Math.max(0, Math.min(wait, deadline - Date.now())), signal);
    const job = parseJobStatus((await api.get(jobStatusUri(jobId), signal)).result);
    if (jobFinished(job)) return job;
    if (Date.now() >= deadline)
      return { ...job, status: 'failed', message: `still ${job.status} after ${options.timeoutMs} ms` };
    wait = Math.min(wait * 2, options.pollMs * 8);
  }
}

/** A bulk call that failed as a whole: every record of it failed the same way. */
export function allFailed(ids: string[], error: unknown): Map<string, RecordOutcome> {
  const e = isSpocError(error)
    ? error
    : new SpocError('vendor', 'UNEXPECTED', error instanceof Error ? error.message : String(error));
  return new Map(ids.map((id) => [id, { ok: false, code: e.code, message: e.message }]));
}
