import {
  type AssignmentWrite,
  fieldsByRecord,
  type RecordOutcome,
  type RoleFieldMapping,
  resultsAfterStop,
  type WriteResult,
  writeResults,
} from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { updateIsolating } from './batch-isolate.ts';

/**
 * Role values onto companies, `batchSize` companies a call, several roles of one company
 * merged into one input. A batch refused for its records is narrowed down to the inputs
 * at fault (batch-isolate.ts): they fail, the rest are written, the next batch goes on. An error that stops the system (auth, daily limit, retries spent)
 * is thrown when nothing was written yet; otherwise the written records are reported
 * written and the rest failed with that error, so no success is ever reported lost.
 */
export async function writeAssignments(
  api: HubspotApi,
  writes: AssignmentWrite[],
  roles: Record<string, RoleFieldMapping>,
  batchSize: number,
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const byRecord = fieldsByRecord(writes, roles);
  const ids = [...byRecord.keys()];
  const outcomes = new Map<string, RecordOutcome>();
  for (let i = 0; i < ids.length; i += batchSize) {
    const chunk = ids.slice(i, i + batchSize);
    const inputs = chunk.map((id) => ({ id, properties: byRecord.get(id) ?? {} }));
    try {
      await updateIsolating(api, 'companies', inputs, outcomes, signal);
    } catch (error) {
      return resultsAfterStop(writes, roles, outcomes, 'HubSpot', error);
    }
  }
  return writeResults(writes, roles, outcomes, 'HubSpot');
}
