import type { VendorContext } from '@spoc/sandbox/kit';
import { type RecordError, recordError, salesforceError } from './errors.ts';
import type { Row } from './store.ts';

/**
 * What a real org does on a bad day that the seed alone does not produce, each settable
 * in a fault spec (e.g. `salesforce.lockRow=0.05`). Off by default: each is a share of
 * records or calls, and the fault suite's realistic-tenant scenario turns them on.
 */
export const SALESFORCE_BEHAVIOURS = {
  'salesforce.lockRow':
    'share of records in a collection save answered UNABLE_TO_LOCK_ROW, a row lock held by another transaction (default 0)',
  'salesforce.readOnly':
    'share of records the integration user may not edit, fixed per record: INSUFFICIENT_ACCESS_OR_READONLY (default 0)',
  'salesforce.validationRule':
    'share of Accounts a validation rule blocks, fixed per record: FIELD_CUSTOM_VALIDATION_EXCEPTION (default 0)',
  'salesforce.concurrentLimit':
    'share of calls refused 403 REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn", with no Retry-After (default 0)',
} as const;

/**
 * Why the org refuses to save this row now, if it does. Sharing and validation rules hold
 * for a record on every attempt (a hash of its id), a row lock is momentary (rolled per
 * attempt). Messages are Salesforce's own:
 * - UNABLE_TO_LOCK_ROW "unable to obtain exclusive access to this record", a SaveResult error
 *   when another transaction (a trigger, a sharing recalculation, a parallel batch) holds the
 *   row: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#i1421192
 *   (StatusCode list) and https://help.salesforce.com/s/articleView?id=000387010 (record locking)
 * - INSUFFICIENT_ACCESS_OR_READONLY "insufficient access rights on object id": the running user
 *   lacks edit access through sharing.
 * - FIELD_CUSTOM_VALIDATION_EXCEPTION with the rule's error message.
 */
export function orgRefusal(context: VendorContext, row: Row | undefined): RecordError | undefined {
  const id = typeof row?.Id === 'string' ? row.Id : undefined;
  if (id === undefined) return undefined;
  if (fixedShare(context, 'salesforce.readOnly', id)) {
    return recordError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
  }
  if (id.startsWith('001') && fixedShare(context, 'salesforce.validationRule', id)) {
    return recordError('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Strategic accounts keep their owner: ask Sales Ops', []);
  }
  if (context.faults.rollBehaviour('salesforce.lockRow')) {
    return recordError('UNABLE_TO_LOCK_ROW', `unable to obtain exclusive access to this record or 1 records: ${id}`);
  }
  return undefined;
}

/**
 * The concurrent long-running request limit: 403 with REQUEST_LIMIT_EXCEEDED and no
 * Retry-After (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm:
 * "403 … If the error code is REQUEST_LIMIT_EXCEEDED, you've exceeded API request limits";
 * limits: https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_api.htm).
 */
export function concurrentRefusal(context: VendorContext) {
  if (!context.faults.rollBehaviour('salesforce.concurrentLimit')) return undefined;
  return salesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.');
}

/** Whether a record falls in the share, the same answer on every attempt (FNV-1a of behaviour and id). */
function fixedShare(context: VendorContext, name: string, id: string): boolean {
  const share = context.faults.behaviour(name, 0);
  if (share <= 0) return false;
  const key = `${name}:${id}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 0x1_0000_0000 < share;
}
