import type { AssignmentWrite, Connector, ConnectorContext, RetryOptions } from '@spoc/core/connector';
import { createHubspotApi } from './api.ts';
import { checkHubspot } from './check.ts';
import { readAccounts } from './read-accounts.ts';
import { countContacts, previewContacts } from './read-contacts.ts';
import { readPeople } from './read-people.ts';
import type { HubspotSettings } from './settings.ts';
import { whoChanged } from './who-changed.ts';
import { writeAssignments } from './write-assignments.ts';
import { applyContactMoves } from './write-contacts.ts';

/** HubSpot's page and batch caps. */
export const HUBSPOT_LIMITS = {
  /** Companies per list call. */
  listPageSize: 100,
  /** Owners per call (HubSpot allows up to 500). */
  ownersPageSize: 500,
  /** Results per search call. */
  searchPageSize: 200,
  /** Inputs per batch update. */
  batchSize: 100,
  /** Company ids in one contact search's IN filter. */
  companiesPerContactSearch: 100,
} as const;

export interface HubspotConnectorOptions {
  retry?: Partial<RetryOptions>;
  /** Page and batch sizes (tests use small ones); never above HubSpot's caps. */
  limits?: Partial<Record<keyof typeof HUBSPOT_LIMITS, number>>;
  /** A call that has not answered by then is abandoned and retried. Default 60 s. */
  requestTimeoutMs?: number;
}

/**
 * The HubSpot connector over @hubspot/api-client 14 with a private-app token: owners as
 * people, companies as accounts, batch updates for role values, contact cascade.
 */
export function createHubspotConnector(
  config: HubspotSettings,
  ctx: ConnectorContext,
  options: HubspotConnectorOptions = {},
): Connector {
  const api = createHubspotApi(config, {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const limits = { ...HUBSPOT_LIMITS, ...options.limits };
  const ownerOfUser = new Map<number, string>();

  return {
    system: 'hubspot',

    check: (signal) => checkHubspot(api, ctx, { contacts: ctx.cascades.includes('contacts') }, signal),

    listPeople: (signal) => readPeople(api, ctx, limits.ownersPageSize, ownerOfUser, signal),

    readAccounts: (query) => readAccounts(api, ctx, query, limits),

    writeAssignments: (writes: AssignmentWrite[], signal) =>
      writeAssignments(api, writes, ctx.roles, limits.batchSize, signal),

    cascades: ['contacts'],
    previewCascade: (requests, signal) =>
      previewContacts(
        api,
        requests,
        { companiesPerSearch: limits.companiesPerContactSearch, searchPageSize: limits.searchPageSize },
        signal,
      ),
    applyCascade: (moves, signal) => applyContactMoves(api, moves, limits.batchSize, signal),
    countCascadeScope: (_kind, signal) => countContacts(api, signal),

    whoChanged: (requests, signal) => whoChanged(api, ctx, requests, ownerOfUser, signal),

    stats: () => api.stats(),
  };
}
