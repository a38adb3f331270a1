import { type AccountPage, type ConnectorContext, isSpocError, type ReadQuery } from '@spoc/core/connector';
import type { Page, ZendeskApi } from './api.ts';
import { formatCursor, parseCursor, type ZendeskCursor } from './cursor.ts';
import {
  exportPage,
  ORGANIZATIONS_LIST,
  organizationsExport,
  organizationsPage,
  toOrganization,
  updatedSecond,
} from './mapping.ts';

/**
 * Organizations: every one by cursor-paged listing (no cursor, or one not ours), else
 * those changed since the cursor by the time-based incremental organization export.
 *
 * Not a listing filtered on updated_at: Zendesk's organization list has no updated_at
 * filter (a filtered listing would still cost ⌈N/100⌉ calls), and search lags and caps
 * at 1,000. The export costs one call when nothing changed. Its costs are handled here:
 * it has its own 10-a-minute limit (its own gate in api.ts); start_time is inclusive, so
 * the cursor is the export's end_time (the last record's second) and records of that
 * same second are read again next time, never skipped; it leaves out the last minute,
 * and since end_time never passes what it returned, that minute is read by the next run;
 * over 1,000 records in one second, which its pages cannot get past, are read from the
 * list.
 */
export function readAccounts(api: ZendeskApi, ctx: ConnectorContext, query: ReadQuery): AsyncGenerator<AccountPage> {
  const since = parseCursor(query.since);
  if (query.since !== null && !since)
    ctx.logger.warn({ cursor: query.since }, 'unreadable Zendesk cursor: reading all organizations');
  return since ? incrementalRead(api, ctx, since, query.signal) : fullRead(api, ctx, query.signal);
}

async function* fullRead(api: ZendeskApi, ctx: ConnectorContext, signal?: AbortSignal): AsyncGenerator<AccountPage> {
  let startTime: number | null = null;
  for await (const page of api.pages(ORGANIZATIONS_LIST, signal)) {
    // The next export starts a minute before this read began, by Zendesk's clock: it
    // catches whatever changed during the read, and the export refuses a start_time
    // from the last minute, so a run right after this one still works.
    startTime ??= Math.floor((page.date ? Date.parse(page.date) : Date.now()) / 1000) - 60;
    yield toPage(ctx, organizationsPage(page.result), { startTime });
  }
}

async function* incrementalRead(
  api: ZendeskApi,
  ctx: ConnectorContext,
  since: ZendeskCursor,
  signal?: AbortSignal,
): AsyncGenerator<AccountPage> {
  let start = since.startTime;
  // Records of the boundary second come back on the next page: yield each version once.
  const seen = new Set<string>();
  const fresh = (raw: unknown) => {
    const key = versionKey(raw);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (;;) {
    let page: Page<unknown>;
    try {
      page = await api.exportGet(organizationsExport(start), signal);
    } catch (error) {
      // A start_time inside the last minute (clock skew) is refused; nothing is lost by waiting.
      if (isTooRecent(error)) {
        yield toPage(ctx, [], { startTime: start });
        return;
      }
      throw error;
    }
    const e = exportPage(page.result);
    const endTime = e.endTime ?? start;
    yield toPage(ctx, e.records.filter(fresh), { startTime: Math.max(start, endTime) });
    if (e.endOfStream) return;
    if (endTime <= start) {
      // A full page within one second (over 1,000 organizations updated in the same
      // second: a mass update) comes back the same however often it is asked for, since
      // the export pages by second. Read that second from the organization list instead
      // (complete, cursor-paged), then go on from the next second.
      ctx.logger.info({ startTime: start }, 'over 1,000 organizations share one second: reading it from the list');
      for await (const listed of api.pages(ORGANIZATIONS_LIST, signal)) {
        const inSecond = organizationsPage(listed.result).filter((raw) => updatedSecond(raw) === start && fresh(raw));
        // The cursor stays on that second until the whole list is read.
        yield toPage(ctx, inSecond, { startTime: start });
      }
      start += 1;
      continue;
    }
    start = endTime;
  }
}

function toPage(ctx: ConnectorContext, raws: unknown[], cursor: ZendeskCursor): AccountPage {
  const page: AccountPage = { records: [], cursor: formatCursor(cursor), rejected: [] };
  for (const raw of raws) {
    const mapped = toOrganization(raw, ctx);
    if ('rejected' in mapped) page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
    else page.records.push(mapped);
  }
  return page;
}

function isTooRecent(error: unknown): boolean {
  return isSpocError(error) && error.status === 400 && /too recent/i.test(error.message);
}

/** One version of a raw record: the same version serialises the same, an edit differently. */
function versionKey(raw: unknown): string {
  return JSON.stringify(raw);
}
