import type { Connector, ConnectorContext, RetryOptions } from '@spoc/core/connector';
import { createPipedriveApi } from './api.ts';
import { checkPipedrive } from './check.ts';
import { fieldPlanCache } from './fields.ts';
import { MAX_PAGE_SIZE } from './mapping.ts';
import { readAccounts } from './read-accounts.ts';
import { countContacts, previewContacts } from './read-contacts.ts';
import { readPeople } from './read-people.ts';
import type { PipedriveSettings } from './settings.ts';
import { whoChanged } from './who-changed.ts';
import { writeAssignments } from './write-assignments.ts';
import { applyContactMoves } from './write-contacts.ts';

export interface PipedriveConnectorOptions {
  retry?: Partial<RetryOptions>;
  /** Records per list call (tests use small ones); never above Pipedrive's 500. */
  pageSize?: number;
  /** Calls in flight at once (writes are one call per record). Default 4. */
  concurrency?: number;
  /** A call that has not answered by then is abandoned and retried. Default 60 s. */
  requestTimeoutMs?: number;
}

/**
 * The Pipedrive connector over the official `pipedrive` SDK with an API token: users as
 * people, organizations as accounts (owner_id and custom user fields as roles, a custom
 * text field as cross-reference, the website as domain), one PATCH per organization for
 * role values, and the contact cascade over the organization's persons.
 */
export function createPipedriveConnector(
  settings: PipedriveSettings,
  ctx: ConnectorContext,
  options: PipedriveConnectorOptions = {},
): Connector {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const api = createPipedriveApi(settings, {
    concurrency,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const fields = fieldPlanCache(api, ctx);
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? MAX_PAGE_SIZE));

  return {
    system: 'pipedrive',
    check: (signal) => checkPipedrive(api, fields, { contacts: ctx.cascades.includes('contacts') }, signal),
    listPeople: (signal) => readPeople(api, signal),
    readAccounts: (query) => readAccounts(api, fields, ctx, query, pageSize),
    writeAssignments: (writes, signal) => writeAssignments(api, fields, writes, ctx.roles, concurrency, signal),
    cascades: ['contacts'],
    previewCascade: (requests, signal) => previewContacts(api, requests, pageSize, concurrency, signal),
    applyCascade: (moves, signal) => applyContactMoves(api, moves, concurrency, signal),
    countCascadeScope: (_kind, signal) => countContacts(api, pageSize, signal),
    whoChanged: (requests, signal) => whoChanged(api, fields, requests, signal),
    stats: () => api.stats(),
  };
}
