import type { Connector, ConnectorContext, RetryOptions } from '@spoc/core/connector';
import { createZendeskApi } from './api.ts';
import { checkZendesk } from './check.ts';
import { bulkJobs } from './jobs.ts';
import { readAccounts } from './read-accounts.ts';
import { readPeople } from './read-people.ts';
import { countOpenTickets, previewTickets } from './read-tickets.ts';
import type { ZendeskSettings } from './settings.ts';
import { writeAssignments } from './write-assignments.ts';
import { applyTicketMoves } from './write-tickets.ts';

export interface ZendeskConnectorOptions {
  /** Retry tuning for both gates (tests use tiny delays). */
  retry?: Partial<RetryOptions>;
  /** First wait before polling a job, doubling up to 8× (default 500 ms). */
  jobPollMs?: number;
  /** Give up on a job after this long and report its records as failed (default 10 min). */
  jobTimeoutMs?: number;
  /** Requests a minute to the incremental export (Zendesk's limit: 10). */
  exportPerMinute?: number;
  /**
   * Bulk jobs in flight at once (default 8; Zendesk queues at most 30 per account). A job
   * takes a second or more, so fewer than about six would leave the rate budget unused.
   */
  jobConcurrency?: number;
}

/**
 * The Zendesk connector over node-zendesk: agents and admins as people, organizations
 * as accounts (a cursor-paged listing, then the incremental export), role values and the
 * open-ticket handover written as update_many jobs polled to their end.
 */
export function createZendeskConnector(
  config: ZendeskSettings,
  ctx: ConnectorContext,
  options: ZendeskConnectorOptions = {},
): Connector {
  const api = createZendeskApi(config, {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.exportPerMinute !== undefined ? { exportPerMinute: options.exportPerMinute } : {}),
  });
  const bulk = bulkJobs(api, { pollMs: options.jobPollMs ?? 500, timeoutMs: options.jobTimeoutMs ?? 600_000 });
  const jobConcurrency = Math.max(1, options.jobConcurrency ?? 8);

  return {
    system: 'zendesk',

    check: (signal) => checkZendesk(api, ctx, signal),

    listPeople: (signal) => readPeople(api, signal),

    readAccounts: (query) => readAccounts(api, ctx, query),

    writeAssignments: (writes, signal) => writeAssignments(bulk, writes, ctx.roles, jobConcurrency, signal),

    cascades: ['openTickets'],
    previewCascade: (requests, signal) => previewTickets(api, ctx, requests, signal),
    applyCascade: (moves, signal) => applyTicketMoves(bulk, moves, signal),
    countCascadeScope: (_kind, signal) => countOpenTickets(api, signal),

    stats: () => api.stats(),
  };
}
