import {
  type AssignmentWrite,
  fieldsByRecord,
  type RoleFieldMapping,
  toErrorInfo,
  type WriteResult,
  writeResults,
} from '@spoc/core';
import { updateCollection } from './collection-update.ts';
import { accountUpdate } from './mapping.ts';
import type { SalesforceApi } from './salesforce-api.ts';

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
  if (stopped && outcomes.size === 0) throw stopped;
  const results = writeResults(writes, roles, outcomes, 'Salesforce');
  if (!stopped) return results;
  const stop = toErrorInfo(stopped);
  return results.map((r) => (!r.ok && !outcomes.has(r.recordId) && roles[r.role] ? { ...r, error: stop } : r));
}
