import { isSpocError, type RecordOutcome, SpocError, sleep } from '@spoc/core/connector';
import type { ZendeskApi, ZendeskUri } from './api.ts';
import { type JobStatus, jobFinished, jobOutcome, jobStatusUri, parseJobStatus } from './mapping.ts';

export interface JobOptions {
  /** Wait before the first poll; the next waits are the same, then double up to 8×. */
  pollMs: number;
  /** Give up after this long and report the job's records as failed. */
  timeoutMs: number;
  /** Jobs sent for one set of records when Zendesk kills them part-way (default 3). */
  killedAttempts?: number;
}

/** The update_many call for some of a batch's records, in the order given. */
export type BulkRequest = (ids: string[]) => { uri: ZendeskUri; body: object };

/** One bulk update (update_many) to its outcome per id. */
export type BulkJob = (
  request: BulkRequest,
  ids: string[],
  signal?: AbortSignal,
) => Promise<Map<string, RecordOutcome>>;

/**
 * How long this account's jobs have been taking: the next job's first poll waits that
 * long, so once one job has been timed a job usually costs one poll, not two or three.
 */
export interface JobPace {
  firstPollMs: number;
}

/** Bulk updates through `api`, each one polled to its end (see runBulkJob), paced by the jobs before. */
export function bulkJobs(api: ZendeskApi, options: JobOptions): BulkJob {
  const pace: JobPace = { firstPollMs: options.pollMs };
  return (request, ids, signal) => runBulkJob(api, request, ids, options, signal, pace);
}

/**
 * Runs one bulk update (update_many) and returns, per id, whether Zendesk applied it.
 * Zendesk applies bulk updates asynchronously: the PUT only queues a job. A killed job
 * is sent again for the records it never reached (its results say which, by position),
 * up to `killedAttempts` jobs. Anything else but a per-record success in the finished
 * job (a failed job, a record the job does not mention, a job still running at the
 * deadline, a poll that keeps failing) is reported as that record's failure, never
 * assumed done.
 */
export async function runBulkJob(
  api: ZendeskApi,
  request: BulkRequest,
  ids: string[],
  options: JobOptions,
  signal?: AbortSignal,
  pace: JobPace = { firstPollMs: options.pollMs },
): Promise<Map<string, RecordOutcome>> {
  const attempts = Math.max(1, options.killedAttempts ?? 3);
  const outcomes = new Map<string, RecordOutcome>();
  let pending = ids;
  for (let attempt = 1; pending.length > 0; attempt++) {
    let job: JobStatus;
    try {
      job = await runJob(api, request(pending), options, signal, pace);
    } catch (error) {
      // A first job refused as a whole is the caller's to handle; a retry's failure
      // fails only the records still pending (unless it must stop the run).
      if (attempt === 1 || !isSpocError(error) || error.kind === 'auth' || signal?.aborted) throw error;
      for (const [id, o] of allFailed(pending, error)) outcomes.set(id, o);
      break;
    }
    if (job.status === 'unknown') {
      for (const id of pending) outcomes.set(id, { ok: false, code: 'JOB_UNKNOWN', message: job.message ?? '' });
      break;
    }
    const { outcome, unfinished } = jobOutcome(job, pending);
    for (const [id, o] of outcome) outcomes.set(id, o);
    if (unfinished.length > 0 && attempt >= attempts) {
      const message = `job ${job.id} was killed before it reached this record (${attempts} jobs tried)`;
      for (const id of unfinished) outcomes.set(id, { ok: false, code: 'JOB_KILLED', message });
      break;
    }
    pending = unfinished;
  }
  return outcomes;
}

/** Queues one job and polls it to its end; status `unknown` when it was accepted but its end could not be read. */
async function runJob(
  api: ZendeskApi,
  call: { uri: ZendeskUri; body: object },
  options: JobOptions,
  signal: AbortSignal | undefined,
  pace: JobPace,
): Promise<JobStatus> {
  const queued = parseJobStatus((await api.put(call.uri, call.body, signal)).result);
  if (jobFinished(queued)) return queued;
  try {
    return await pollJob(api, queued.id, options, signal, pace);
  } catch (error) {
    // The PUT was accepted, so the records may or may not be written: say so per record.
    if (!isSpocError(error) || error.kind === 'auth' || signal?.aborted) throw error;
    const message = `job ${queued.id} accepted, but its outcome could not be read: ${error.message}`;
    return { id: queued.id, status: 'unknown', message, results: null };
  }
}

/**
 * Polls until the job ends. Zendesk jobs take seconds: the first poll waits as long as
 * the last job took (`pollMs` before any), the second `pollMs` later, then the waits
 * double up to 8×, so a slow job costs a handful of calls (each through the rate gate)
 * rather than one every `pollMs`.
 */
async function pollJob(
  api: ZendeskApi,
  jobId: string,
  options: JobOptions,
  signal: AbortSignal | undefined,
  pace: JobPace,
): Promise<JobStatus> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  let wait = pace.firstPollMs;
  for (let poll = 1; ; poll++) {
    await sleep(Math.max(0, Math.min(wait, deadline - Date.now())), signal);
    const job = parseJobStatus((await api.get(jobStatusUri(jobId), signal)).result);
    if (jobFinished(job)) {
      // Found done after more than one poll: the next job's first poll waits that long.
      if (poll > 1) pace.firstPollMs = Math.min(Date.now() - started, options.pollMs * 8);
      return job;
    }
    if (poll === 1) wait = options.pollMs;
    if (Date.now() >= deadline)
      return { ...job, status: 'failed', message: `still ${job.status} after ${options.timeoutMs} ms` };
    if (poll >= 2) wait = Math.min(wait * 2, options.pollMs * 8);
  }
}

/** A bulk call that failed as a whole: every record of it failed the same way. */
export function allFailed(ids: string[], error: unknown): Map<string, RecordOutcome> {
  const e = isSpocError(error)
    ? error
    : new SpocError('vendor', 'UNEXPECTED', error instanceof Error ? error.message : String(error));
  return new Map(ids.map((id) => [id, { ok: false, code: e.code, message: e.message }]));
}
