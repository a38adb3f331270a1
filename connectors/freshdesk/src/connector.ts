import type { Connector, ConnectorContext, PersonRecord, RetryOptions } from '@spoc/core/connector';
import { createFreshdeskApi } from './api.ts';
import { checkFreshdesk } from './check.ts';
import { AgentChoices } from './dropdown.ts';
import { COMPANY_FIELDS, companyFieldDefinitions, type FieldDefinition } from './mapping.ts';
import { readAccounts } from './read-accounts.ts';
import { readPeople } from './read-people.ts';
import { countOpenTickets, previewTickets } from './read-tickets.ts';
import type { FreshdeskSettings } from './settings.ts';
import { writeAssignments } from './write-assignments.ts';
import { applyTicketMoves } from './write-tickets.ts';

export interface FreshdeskConnectorOptions {
  /** Retry tuning (tests use tiny delays). */
  retry?: Partial<RetryOptions>;
  /** First wait before polling a bulk job, doubling up to 8× (default 500 ms). */
  jobPollMs?: number;
  /** Give up on a job after this long and report its tickets as failed (default 10 min). */
  jobTimeoutMs?: number;
  /** Company PUTs in flight at once (default 4). */
  writeConcurrency?: number;
}

/**
 * The Freshdesk connector over fetch: agents as people, companies as accounts (a full
 * paged read each run), role values written one PUT per company, and the open-ticket
 * handover as bulk_update jobs polled to their end.
 */
export function createFreshdeskConnector(
  settings: FreshdeskSettings,
  ctx: ConnectorContext,
  options: FreshdeskConnectorOptions = {},
): Connector {
  const api = createFreshdeskApi(settings, options.retry ? { retry: options.retry } : {});
  const jobOptions = { pollMs: options.jobPollMs ?? 500, timeoutMs: options.jobTimeoutMs ?? 600_000 };
  // What dropdown roles need to map choices ↔ agents, read at most once per connector (a
  // run): the agents listPeople read in full when it did, else its own read.
  let listed: PersonRecord[] | null = null;
  const agentChoices = once(async () => {
    if (listed) return new AgentChoices(listed);
    const agents: PersonRecord[] = [];
    for await (const page of readPeople(api)) agents.push(...page);
    return new AgentChoices(agents);
  });
  async function* listPeople(signal?: AbortSignal): AsyncGenerator<PersonRecord[]> {
    const agents: PersonRecord[] = [];
    for await (const page of readPeople(api, signal)) {
      agents.push(...page);
      yield page;
    }
    listed = agents;
  }
  const companyFields = once(
    async (): Promise<Map<string, FieldDefinition>> => companyFieldDefinitions((await api.get(COMPANY_FIELDS)).body),
  );

  return {
    system: 'freshdesk',

    check: (signal) => checkFreshdesk(api, ctx, settings.rateLimit.perMinute, signal),

    listPeople,

    readAccounts: (query) => readAccounts(api, ctx, agentChoices, query),

    // One PUT per company: the runner's batches need no alignment.
    writeCallSize: 1,
    writeAssignments: (writes, signal) =>
      writeAssignments(
        { api, roles: ctx.roles, companyFields, agentChoices, concurrency: options.writeConcurrency ?? 4 },
        writes,
        signal,
      ),

    cascades: ['openTickets'],
    previewCascade: (requests, signal) => previewTickets(api, requests, signal),
    applyCascade: (moves, signal) => applyTicketMoves(api, moves, jobOptions, signal),
    countCascadeScope: (_kind, signal) => countOpenTickets(api, signal),

    stats: () => api.stats(),
  };
}

/** A lazy value computed once; a failure is not kept, so the next caller tries again. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => {
    value ??= make().catch((error: unknown) => {
      value = null;
      throw error;
    });
    return value;
  };
}
