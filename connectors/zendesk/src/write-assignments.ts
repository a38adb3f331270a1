import {
  type AssignmentWrite,
  fieldsByRecord,
  isSpocError,
  type RecordOutcome,
  type RoleFieldMapping,
  type WriteResult,
  writeResults,
} from '@spoc/core/connector';
import { allFailed, type BulkJob } from './jobs.ts';
import { organizationsUpdate } from './mapping.ts';

/** Organizations per update_many job (Zendesk's cap). */
const BATCH = 100;

/**
 * Role values onto organizations, every role of one organization merged, 100 an
 * update_many job, `concurrency` jobs in flight. A rejected job (4xx) fails only its
 * records; anything else (auth, Zendesk down after retries, abort) stops starting new
 * jobs and fails the rest. When nothing was written, that error is thrown instead.
 */
export async function writeAssignments(
  bulk: BulkJob,
  writes: AssignmentWrite[],
  roles: Record<string, RoleFieldMapping>,
  concurrency: number,
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const byOrg = fieldsByRecord(writes, roles);
  const ids = [...byOrg.keys()];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH) chunks.push(ids.slice(i, i + BATCH));
  const outcomes = new Map<string, RecordOutcome>();
  let stopped: unknown = null;
  let written = false;
  // A few jobs in flight at once: Zendesk runs them in the background, so waiting on
  // one at a time would leave the rate budget idle. Same number of calls.
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < chunks.length; k = next++) {
      const chunk = chunks[k] ?? [];
      if (stopped) {
        for (const [id, o] of allFailed(chunk, stopped)) outcomes.set(id, o);
        continue;
      }
      const request = (ids: string[]) =>
        organizationsUpdate(
          ids.map((id) => [id, byOrg.get(id) ?? {}]),
          roles,
        );
      try {
        for (const [id, o] of await bulk(request, chunk, signal)) outcomes.set(id, o);
        written = true;
      } catch (error) {
        // A rejected chunk (4xx) fails only itself; anything else (auth, Zendesk down
        // after retries, abort) stops starting new chunks.
        if (!isSpocError(error) || error.kind !== 'vendor') stopped ??= error;
        for (const [id, o] of allFailed(chunk, error)) outcomes.set(id, o);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  // Nothing was written: let the run stop this system rather than report every record.
  if (stopped && !written) throw stopped;
  return writeResults(writes, roles, outcomes, 'Zendesk');
}
