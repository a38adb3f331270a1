import type { SandboxRequest, SandboxResponse, VendorContext } from '@spoc/sandbox/kit';
import { BEHAVIOUR_DEFAULTS } from './behaviours.ts';
import { isoSeconds } from './responses.ts';
import type { Job, ZendeskStore } from './store.ts';

export type JobResult = Record<string, unknown>;

/** How a job will end, decided when it is queued: its final status and how many records it gets through. */
export interface JobPlan {
  status: 'completed' | 'failed' | 'killed';
  /** Records processed (and applied), from the first: the rest are left untouched. */
  processed: number;
}

/**
 * A job's fate. Zendesk's job statuses go queued → working → completed, or end failed
 * or killed part-way (https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/
 * lists queued, working, failed, completed; killed is what a job stopped by Zendesk
 * reports). A failed or killed job here has processed its first half only.
 */
export function planJob(context: VendorContext, total: number): JobPlan {
  const half = Math.floor(total / 2);
  if (context.faults.rollBehaviour('zendesk.jobKilled', BEHAVIOUR_DEFAULTS['zendesk.jobKilled']))
    return { status: 'killed', processed: half };
  if (context.faults.rollBehaviour('zendesk.jobFailed', BEHAVIOUR_DEFAULTS['zendesk.jobFailed']))
    return { status: 'failed', processed: half };
  return { status: 'completed', processed: total };
}

/**
 * Bulk endpoints apply the records they will process at once but answer with a queued
 * job status, as Zendesk does; the job then runs over `zendesk.jobMs` of the sandbox
 * clock (queued, then working with progress) and only its end shows the results. No
 * timers: the state is worked out from the clock whenever the job is read.
 */
export function queueJob(
  req: SandboxRequest,
  store: ZendeskStore,
  context: VendorContext,
  plan: JobPlan,
  total: number,
  results: JobResult[],
): SandboxResponse {
  const id = `V3-${store.newId().toString(16)}`;
  const durationMs = Math.max(0, context.faults.behaviour('zendesk.jobMs', BEHAVIOUR_DEFAULTS['zendesk.jobMs']));
  const now = context.now();
  const job: Job = { id, createdAt: now, durationMs, total, results, final: plan.status };
  store.jobs.set(id, job);
  return { status: 200, body: { job_status: jobView(req, job, now) } };
}

/** The job status as Zendesk shows it at `now`. */
export function jobView(req: SandboxRequest, job: Job, now: number) {
  const elapsed = now - job.createdAt;
  const queuedFor = job.durationMs / 4;
  const done = elapsed >= job.durationMs;
  const status = done ? job.final : elapsed < queuedFor ? 'queued' : 'working';
  const processed = job.results.length;
  const progress = done
    ? processed
    : status === 'queued'
      ? 0
      : Math.min(processed, Math.floor((processed * (elapsed - queuedFor)) / (job.durationMs - queuedFor)));
  const message = !done
    ? null
    : job.final === 'completed'
      ? `Completed at ${isoSeconds(job.createdAt + job.durationMs)}`
      : job.final === 'killed'
        ? 'Job was killed'
        : 'Job failed: internal error';
  return {
    id: job.id,
    url: `${req.baseUrl}/api/v2/job_statuses/${job.id}.json`,
    job_type: 'bulk_update',
    status,
    total: job.total,
    progress,
    message,
    results: done ? job.results : null,
  };
}

/**
 * A record the job could not update. Results carry the record's position (`index`);
 * their `id` is sometimes that position rather than the record's id
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/#results),
 * so clients must map results by index.
 */
export function updateFailure(
  context: VendorContext,
  id: unknown,
  index: number,
  code: string,
  details: string,
): JobResult {
  const positional = context.faults.rollBehaviour(
    'zendesk.failureIdIsIndex',
    BEHAVIOUR_DEFAULTS['zendesk.failureIdIsIndex'],
  );
  return { id: positional ? index : id, index, action: 'update', success: false, error: code, details };
}

export function updateSuccess(id: number, index: number): JobResult {
  return { id, index, action: 'update', status: 'Updated', success: true };
}
