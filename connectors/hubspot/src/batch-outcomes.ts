import type { RecordOutcome, SpocError } from '@spoc/core/connector';
import { type BatchResponse, batchResult } from './mapping.ts';

/**
 * Per-input outcome of one batch update. A 200 means every input was written; a 207
 * lists the written records and, per error, the failed ones (see batchResult). An
 * input named by neither is not assumed written.
 */
export function batchOutcomes(ids: string[], status: number, body: BatchResponse): Map<string, RecordOutcome> {
  const outcomes = new Map<string, RecordOutcome>();
  const { written, errors } = batchResult(body);
  if (status !== 207 && errors.length === 0) {
    for (const id of ids) outcomes.set(id, { ok: true });
    return outcomes;
  }
  let unattributed: { code: string; message: string } | null = null;
  const failed = new Map<string, { code: string; message: string }>();
  for (const { ids: named, ...info } of errors) {
    if (named.length === 0) unattributed ??= info;
    for (const id of named) if (!failed.has(id)) failed.set(id, info);
  }
  for (const id of ids) {
    const failure = failed.get(id);
    if (failure) outcomes.set(id, { ok: false, ...failure });
    else if (written.has(id)) outcomes.set(id, { ok: true });
    else
      outcomes.set(id, {
        ok: false,
        ...(unattributed ?? { code: 'NO_RESULT', message: 'HubSpot returned no result for this record' }),
      });
  }
  return outcomes;
}

/**
 * A refusal of the whole batch that concerns its records (400 validation, 404, 409),
 * as opposed to one that stops the system (auth, daily limit, retries exhausted).
 */
export function refusesRecords(error: SpocError): boolean {
  return (
    error.kind === 'vendor' &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    ![401, 403, 429].includes(error.status)
  );
}
