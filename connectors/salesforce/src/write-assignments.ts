import {
  type AssignmentWrite,
  fieldsByRecord,
  type RoleFieldMapping,
  resultsAfterStop,
  type WriteResult,
  writeResults,
} from '@spoc/core/connector';
import type { SalesforceApi } from './api.ts';
import { updateCollection } from './collection-update.ts';
import { accountUpdate } from './mapping.ts';

/**
 * Role values onto Accounts: every role of one Account merged into one record, 200
 * records a composite/sobjects call. One result per write, in input order; Salesforce's
 * per-record errors (INACTIVE_OWNER_OR_USER, ENTITY_IS_DELETED, validation rules…) fail
 * that write alone. When an error stops the system before anything was written it is
 * thrown; after some writes it fails only the writes not yet sent, so no success is lost.
 */
export async function writeAssignments(
  api: SalesforceApi,
  writes: AssignmentWrite[],
  roles: Record<string, RoleFieldMapping>,
  concurrency: number,
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const byRecord = fieldsByRecord(writes, roles);
  const records = [...byRecord].map(([id, fields]) => ({ id, body: accountUpdate(id, fields) }));
  const { outcomes, stopped } = await updateCollection(api, records, concurrency, signal);
  if (stopped) return resultsAfterStop(writes, roles, outcomes, 'Salesforce', stopped);
  return writeResults(writes, roles, outcomes, 'Salesforce');
}
