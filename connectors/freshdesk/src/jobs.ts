import { isSpocError, type RecordOutcome, sleep } from '@spoc/core/connector';
import type { FreshdeskApi } from './api.ts';
import { type Job, jobFinished, jobOutcome, jobPath, parseJob, queuedJobId, TICKETS_BULK_UPDATE } from './mapping.ts';

export interface JobOptions {
  /** Wait before the first poll; doubles between polls up to 8×. */
  pollMs: number;
  /** Give up after this long and report the job's tickets as failed. */
  timeoutMs: number;
}

/**
 * One tickets/bulk_update and, per ticket, whether Freshdesk applied it. The POST only
 * queues a job (202 with a job_id); GET /jobs/{id} tells when it ended and how each
 * ticket fared. Anything but a success the finished job lists (a failed job, a ticket it
 * does not mention, a job still running at the deadline, polls that keep failing) is that
 * ticket's failure, never assumed done.
 */
export async function runBulkUpdate(
  api: FreshdeskApi,
  body: object,
  ids: string[],
  options: JobOptions,
  signal?: AbortSignal,
): Promise<Map<string, RecordOutcome>> {
  const jobId = queuedJobId((await api.post(TICKETS_BULK_UPDATE, body, signal)).body);
  let job: Job;
  try {
    job = await pollJob(api, jobId, options, signal);
  } catch (error) {
    // The job was accepted, so the tickets may or may not have moved: say so per ticket.
    if (!isSpocError(error) || error.kind === 'auth' || signal?.aborted) throw error;
    const message = `job ${jobId} accepted, but its outcome could not be read: ${error.message}`;
    return new Map(ids.map((id) => [id, { ok: false, code: 'JOB_UNKNOWN', message }]));
  }
  return jobOutcome(job, ids);
}

async function pollJob(api: FreshdeskApi, jobId: string, options: JobOptions, signal?: AbortSignal): Promise<Job> {
  const deadline = Date.now() + options.timeoutMs;
  let wait = options.pollMs;
  for (;;) {
    await sleep(Math.max(0, Math.min(wait, deadline - Date.now())), signal);
    const job = parseJob((await api.get(jobPath(jobId), signal)).body);
    if (jobFinished(job)) return job;
    if (Date.now() >= deadline)
      return { ...job, status: `still ${job.status} after ${options.timeoutMs} ms`, data: [] };
    wait = Math.min(wait * 2, options.pollMs * 8);
  }
}
