import type { AccountPage, ConnectorContext, ReadQuery } from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { formatCursor, type HubspotCursor, laterCursor, ORIGIN, parseCursor } from './cursor.ts';
import { readModifiedSince } from './incremental-read.ts';
import { companyProperties, toCompany } from './mapping.ts';

/**
 * A full read cannot see edits made to pages it already listed, so its cursor never
 * goes past the moment it started, less this margin for clock skew between spoc and
 * HubSpot and HubSpot's search index lag: such edits are read again next time.
 */
export const FULL_READ_OVERLAP_MS = 5 * 60_000;

export interface ReadLimits {
  /** Companies per list call. */
  listPageSize: number;
  /** Results per search call. */
  searchPageSize: number;
}

/**
 * Companies: every one by listing (no cursor), else those modified since the cursor by
 * search (see incremental-read.ts). An unreadable cursor reads every company by search.
 */
export async function* readAccounts(
  api: HubspotApi,
  ctx: ConnectorContext,
  query: ReadQuery,
  limits: ReadLimits,
): AsyncGenerator<AccountPage> {
  const properties = companyProperties(ctx);
  const map = (raw: unknown) => toCompany(raw, ctx);
  if (query.since === null) {
    yield* fullRead(api, properties, map, limits.listPageSize, query.signal);
    return;
  }
  let from = parseCursor(query.since);
  if (!from) {
    ctx.logger.warn({ cursor: query.since }, 'HubSpot cursor unreadable: reading every company by search');
    from = { ...ORIGIN, seen: new Map() };
  }
  yield* readModifiedSince({
    from: { ts: from.ts, id: from.id },
    seen: from.seen,
    map,
    properties,
    pageSize: limits.searchPageSize,
    search: (body) => api.search('companies', body, query.signal),
  });
}

/**
 * Every company, a page a call, in id order. Only the last page's cursor means anything:
 * the newest (modified, id) seen, capped at the read's start (see FULL_READ_OVERLAP_MS).
 * Earlier pages carry the origin, since companies on later pages may be older.
 */
async function* fullRead(
  api: HubspotApi,
  properties: string[],
  map: (raw: unknown) => ReturnType<typeof toCompany>,
  pageSize: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<AccountPage> {
  const startedAt = Date.now();
  let newest: HubspotCursor = ORIGIN;
  let after: string | undefined;
  do {
    const result = await api.list('companies', pageSize, after, properties, signal);
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
