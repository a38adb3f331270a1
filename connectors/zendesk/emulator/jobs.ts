import type { SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { isoSeconds } from './responses.ts';
import type { Job, ZendeskStore } from './store.ts';

/** Zendesk completes a bulk job shortly after queuing it; the first poll this much later sees it done. */
export const JOB_DELAY_MS = 20;

export type JobResult = Record<string, unknown>;

/**
 * Bulk endpoints apply their changes at once but answer with a queued job status, as
 * Zendesk does; the results only appear once a poll finds the job completed. No timers:
 * completion is decided when the job is read.
 */
export function queueJob(req: SandboxRequest, store: ZendeskStore, now: number, results: JobResult[]): SandboxResponse {
  const id = `V3-${store.newId().toString(16)}`;
  const job: Job = { id, createdAt: now, total: results.length, results, status: 'queued' };
  store.jobs.set(id, job);
  return { status: 200, body: { job_status: jobView(req, job, now) } };
}

export function jobView(req: SandboxRequest, job: Job, now: number) {
  const done = job.status === 'completed';
  return {
    id: job.id,
    url: `${req.baseUrl}/api/v2/job_statuses/${job.id}.json`,
    job_type: 'bulk_update',
    status: job.status,
    total: job.total,
    progress: done ? job.total : 0,
    message: done ? `Completed at ${isoSeconds(now)}` : null,
    results: done ? job.results : null,
  };
}

/** Called on a poll: completes the job if enough time has passed since it was queued. */
export function pollJob(job: Job, now: number): Job {
  if (job.status === 'queued' && now - job.createdAt >= JOB_DELAY_MS) job.status = 'completed';
  return job;
}

export function updateFailure(id: unknown, index: number, code: string, details: string): JobResult {
  return { id, index, action: 'update', success: false, error: code, details };
}

export function updateSuccess(id: number, index: number): JobResult {
  return { id, index, action: 'update', status: 'Updated', success: true };
}
