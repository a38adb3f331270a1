import type {
  AccountPage,
  AssignmentWrite,
  Connector,
  ConnectorContext,
  HubspotSystemConfig,
  PersonRecord,
  RetryOptions,
} from '@spoc/core';
import { checkHubspot } from './check.ts';
import { applyContactMoves, countContacts, previewContacts } from './contact-cascade.ts';
import { formatCursor, type HubspotCursor, laterCursor, ORIGIN, parseCursor } from './cursor.ts';
import { createHubspotApi } from './hubspot-api.ts';
import { readModifiedSince } from './incremental-read.ts';
import { companyProperties, toCompany, toPerson } from './mapping.ts';
import { writeAssignments } from './write-assignments.ts';

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
  /** check() also proves the contact scopes (set when a role cascades to contacts). */
  contactCascade?: boolean;
}

/**
 * A full read cannot see edits made to pages it already listed, so its cursor never
 * goes past the moment it started, less this margin for clock skew between spoc and
 * HubSpot and HubSpot's search index lag: such edits are read again next time.
 */
export const FULL_READ_OVERLAP_MS = 5 * 60_000;

/**
 * The HubSpot connector over @hubspot/api-client 14 with a private-app token: owners as
 * people, companies as accounts, batch updates for role values, contact cascade.
 */
export function createHubspotConnector(
  config: HubspotSystemConfig,
  ctx: ConnectorContext,
  options: HubspotConnectorOptions = {},
): Connector {
  const api = createHubspotApi(config, {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const limits = { ...HUBSPOT_LIMITS, ...options.limits };
  const properties = companyProperties(ctx);
  const logger = ctx.logger;
  const map = (raw: unknown) => toCompany(raw, ctx);

  return {
    system: 'hubspot',

    check: (signal) => checkHubspot(api, ctx, { contacts: options.contactCascade ?? false }, signal),

    async *listPeople(signal) {
      // Active and archived owners come from separate listings; archived ones are inactive people.
      for (const archived of [false, true]) {
        let after: string | undefined;
        do {
          const page = await api.owners(archived, after, limits.ownersPageSize, signal);
          const people: PersonRecord[] = [];
          for (const raw of page.results) {
            const mapped = toPerson(raw, archived);
            if ('person' in mapped) people.push(mapped.person);
            else if ('rejected' in mapped)
              logger.warn({ ownerId: mapped.id, reason: mapped.rejected }, 'HubSpot owner skipped');
          }
          yield people;
          after = page.paging?.next?.after;
        } while (after);
      }
    },

    async *readAccounts(query) {
      if (query.since === null) {
        yield* fullRead(query.signal);
        return;
      }
      let from = parseCursor(query.since);
      if (!from) {
        logger.warn({ cursor: query.since }, 'HubSpot cursor unreadable: reading every company by search');
        from = ORIGIN;
      }
      yield* readModifiedSince({
        from,
        map,
        properties,
        pageSize: limits.searchPageSize,
        search: (body) => api.search('companies', body, query.signal),
      });
    },

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

    stats: () => api.stats(),
  };

  /**
   * Every company, 100 a call, in id order. Only the last page's cursor means anything:
   * the newest (modified, id) seen, capped at the read's start (see FULL_READ_OVERLAP_MS).
   * Earlier pages carry the origin, since companies on later pages may be older.
   */
  async function* fullRead(signal: AbortSignal | undefined): AsyncGenerator<AccountPage> {
    const startedAt = Date.now();
    let newest: HubspotCursor = ORIGIN;
    let after: string | undefined;
    do {
      const result = await api.list('companies', limits.listPageSize, after, properties, signal);
      const page: AccountPage = { records: [], cursor: formatCursor(ORIGIN), rejected: [] };
      for (const raw of result.results) {
        const mapped = map(raw);
        if ('rejected' in mapped) page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
        else {
          page.records.push(mapped.record);
          newest = laterCursor(newest, mapped.mark);
        }
      }
      after = result.paging?.next?.after;
      if (!after) {
        const cap = startedAt - FULL_READ_OVERLAP_MS;
        page.cursor = formatCursor(newest.ts <= cap ? newest : { ts: cap, id: '0' });
      }
      yield page;
    } while (after);
  }
}
