import type { Connector, ConnectorContext, RetryOptions } from '@spoc/core/connector';
import { COLLECTION_LIMIT, SalesforceApi } from './api.ts';
import { checkSalesforce } from './check.ts';
import { readAccounts } from './read-accounts.ts';
import { countContacts, previewContacts } from './read-contacts.ts';
import { readPeople } from './read-people.ts';
import type { SalesforceSettings } from './settings.ts';
import { whoChanged } from './who-changed.ts';
import { writeAssignments } from './write-assignments.ts';
import { applyContactMoves } from './write-contacts.ts';

export interface SalesforceConnectorOptions {
  /** Backoff for transient failures (5xx, 429, resets, timeouts); tests use tiny delays. */
  retry?: Partial<RetryOptions>;
  /** A call that has not answered by then is abandoned and retried. Default 120 s. */
  requestTimeoutMs?: number;
  /**
   * Replaces the org's daily allocation (MAX of Sforce-Limit-Info) in the share rule, so
   * tests (or a cautious admin) can reach the stop without spending a real day's requests.
   */
  dailyAllocation?: number;
  /** Query page size hint, 200–2,000 (Sforce-Query-Options); unset = 2,000. */
  queryBatchSize?: number;
  /**
   * composite/sobjects calls in flight at once. Default 1: owner changes trigger sharing
   * recalculation, and parallel batches on one org earn UNABLE_TO_LOCK_ROW record errors.
   */
  writeConcurrency?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/**
 * The Salesforce connector over jsforce 3 (REST only): Users as people, Accounts as
 * accounts read by SOQL 2,000 a page with a (SystemModstamp, Id) cursor, role values
 * and the contact cascade written through composite/sobjects 200 a call. Calls the
 * minimum: ⌈N/2000⌉ pages for N accounts, ⌈K/200⌉ calls for K changed Accounts, one
 * call for an idle incremental read; describe only in check().
 */
export function createSalesforceConnector(
  config: SalesforceSettings,
  ctx: ConnectorContext,
  options: SalesforceConnectorOptions = {},
): Connector {
  const api = new SalesforceApi(config, {
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.dailyAllocation !== undefined ? { dailyAllocation: options.dailyAllocation } : {}),
    ...(options.queryBatchSize !== undefined ? { queryBatchSize: options.queryBatchSize } : {}),
  });
  const writeConcurrency = Math.max(1, options.writeConcurrency ?? 1);

  return {
    system: 'salesforce',
    writeCallSize: COLLECTION_LIMIT,

    check: (signal) => checkSalesforce(api, ctx, { contacts: ctx.cascades.includes('contacts') }, signal),

    listPeople: (signal) => readPeople(api, ctx, signal),

    readAccounts: (query) => readAccounts(api, ctx, query),

    writeAssignments: (writes, signal) => writeAssignments(api, writes, ctx.roles, writeConcurrency, signal),

    cascades: ['contacts'],
    previewCascade: (requests, signal) => previewContacts(api, requests, signal),
    applyCascade: (moves, signal) => applyContactMoves(api, moves, writeConcurrency, signal),
    countCascadeScope: (_kind, signal) => countContacts(api, signal),

    whoChanged: (requests, signal) => whoChanged(api, ctx, requests, signal),

    stats: () => api.stats(),
  };
}
