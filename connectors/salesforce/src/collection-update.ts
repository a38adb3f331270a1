import { type RecordOutcome, SpocError, sleep } from '@spoc/core/connector';
import { COLLECTION_LIMIT, type SalesforceApi } from './api.ts';
import { toSpocError } from './errors.ts';
import { saveOutcome } from './mapping.ts';

export interface CollectionOutcome {
  /** Per record id: what Salesforce said. Ids in chunks never sent are absent. */
  outcomes: Map<string, RecordOutcome>;
  /** The error that stopped the writes (auth, daily limit or share, retries spent), if one did. */
  stopped: SpocError | null;
}

/** Rounds of re-sending the records a row lock refused, after the first pass. */
export const LOCK_RETRY_ROUNDS = 4;
const ROW_LOCK = 'UNABLE_TO_LOCK_ROW';

/**
 * Updates records through composite/sobjects, COLLECTION_LIMIT a call, `concurrency`
 * calls at a time, allOrNone false so one bad record never holds back the other 199.
 * A call refused for its payload (kind config/vendor/record) fails its own records and
 * the rest go on; an error that stops the system ends the writes, keeping every outcome
 * already known so no success is lost. A record refused with UNABLE_TO_LOCK_ROW inside a
 * 200 SaveResult (another transaction held the row) is sent again in this run, after a
 * backoff, up to LOCK_RETRY_ROUNDS times: a lock is momentary, not a verdict on the record.
 */
export async function updateCollection(
  api: SalesforceApi,
  records: { id: string; body: Record<string, unknown> }[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<CollectionOutcome> {
  let result = await updateOnce(api, records, concurrency, signal);
  for (let round = 1; round <= LOCK_RETRY_ROUNDS && result.stopped === null; round++) {
    const locked = records.filter((r) => isRowLock(result.outcomes.get(r.id)));
    if (locked.length === 0) break;
    try {
      await sleep(api.backoffMs(round), signal);
    } catch {
      return { outcomes: result.outcomes, stopped: cancelled() };
    }
    const again = await updateOnce(api, locked, concurrency, signal);
    for (const [id, outcome] of again.outcomes) result.outcomes.set(id, outcome);
    result = { outcomes: result.outcomes, stopped: again.stopped };
  }
  return result;
}

function isRowLock(outcome: RecordOutcome | undefined): boolean {
  return outcome !== undefined && !outcome.ok && outcome.code === ROW_LOCK;
}

async function updateOnce(
  api: SalesforceApi,
  records: { id: string; body: Record<string, unknown> }[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<CollectionOutcome> {
  const outcomes = new Map<string, RecordOutcome>();
  const chunks: (typeof records)[] = [];
  for (let i = 0; i < records.length; i += COLLECTION_LIMIT) chunks.push(records.slice(i, i + COLLECTION_LIMIT));
  let stopped: SpocError | null = null;
  let next = 0;

  const worker = async () => {
    while (stopped === null && next < chunks.length) {
      const chunk = chunks[next++] ?? [];
      try {
        const results = await api.update(
          chunk.map((r) => r.body),
          signal,
        );
        // Salesforce answers in input order; a failed record carries no id.
        for (const [index, r] of chunk.entries()) outcomes.set(r.id, saveOutcome(results[index]));
      } catch (error) {
        const e = signal?.aborted ? cancelled() : toSpocError(error);
        if (stopsWrites(e)) {
          stopped ??= e;
          return;
        }
        for (const r of chunk) outcomes.set(r.id, { ok: false, code: e.code, message: e.message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, chunks.length)) }, worker));
  return { outcomes, stopped };
}

function stopsWrites(e: SpocError): boolean {
  return (
    e.kind === 'auth' ||
    e.kind === 'transient' ||
    e.code === 'SALESFORCE_DAILY_LIMIT' ||
    e.code === 'SALESFORCE_API_SHARE' ||
    e.code === 'CANCELLED'
  );
}

function cancelled(): SpocError {
  return new SpocError('vendor', 'CANCELLED', 'the run was cancelled before this record was written', {
    system: 'salesforce',
  });
}
