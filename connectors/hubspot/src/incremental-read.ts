import { type AccountPage, type AccountRecord, SpocError } from '@spoc/core/connector';
import { compareIds, earlierCursor, formatCursor, type HubspotCursor, laterCursor } from './cursor.ts';
import type { ApiPage, SearchBody } from './mapping.ts';
import { modifiedAfterSearch, sameTimestampSearch } from './mapping.ts';

export type Mapped = { record: AccountRecord; mark: HubspotCursor } | { id: string; rejected: string };

/**
 * How far behind the search index may be. HubSpot's index trails writes by seconds, and
 * not in order: a company may show up in search after one modified later. The cursor
 * never goes past this long before HubSpot's clock at the read's start, so a company the
 * index had not shown yet is searched for again by the next run.
 */
export const SEARCH_INDEX_SAFETY_MS = 60_000;

/** Companies of the safety window the cursor remembers; past this a few may be handed on twice. */
export const MAX_SEEN = 2_000;

export interface IncrementalReadOptions {
  from: HubspotCursor;
  /** Companies read after `from` by the previous run (id → modified time): not handed on again unless changed. */
  seen?: ReadonlyMap<string, number>;
  /** A search page, and HubSpot's clock when it answered (its Date header) if known. */
  search: (body: SearchBody) => Promise<ApiPage & { serverTime?: number }>;
  /** Default SEARCH_INDEX_SAFETY_MS. */
  safetyWindowMs?: number;
  /** HubSpot's clock when an answer carried no Date (default Date.now). */
  now?: () => number;
  map: (raw: unknown) => Mapped;
  properties: string[];
  /** Search page size (HubSpot's maximum is 200). */
  pageSize: number;
}

/**
 * Companies modified after `from`, each exactly once, oldest first.
 *
 * Keyset paging instead of `after` offsets: every page is a fresh search starting at the
 * last timestamp read, so HubSpot's 10,000-result window never closes on us, and a record
 * edited mid-read (it moves to the end of the order) cannot shift an offset and hide its
 * neighbour. Records of the page's last timestamp may continue on the next page, so the
 * next search starts at that timestamp again and the repeats are dropped. When a whole
 * page shares one timestamp, that timestamp is read on its own, by id — a single sort, so
 * it holds even if HubSpot honours only a search's first sort rule — which is how any
 * number of records on one timestamp (more than 10,000 included) is read once and the
 * read always moves forward.
 *
 * Search-index lag: no cursor goes past HubSpot's clock at the first search less the
 * safety window (SEARCH_INDEX_SAFETY_MS), so the next run searches that window again.
 * The companies read inside it go into the cursor's `seen` and are handed on again only
 * if their modified time changed: a company written just before a run is read by this
 * run or the next, and read once.
 */
export async function* readModifiedSince(options: IncrementalReadOptions): AsyncGenerator<AccountPage> {
  const { search, map, properties, pageSize } = options;
  const from = options.from;
  const seenBefore = options.seen ?? new Map<string, number>();
  const safetyMs = options.safetyWindowMs ?? SEARCH_INDEX_SAFETY_MS;
  const now = options.now ?? Date.now;
  /** Safe resume point: everything before it has been yielded. */
  let done = from;
  /** Nothing at or after it is trusted to be indexed: set by the first answer. */
  let horizon = Number.NEGATIVE_INFINITY;
  /** Companies read at or after the horizon (id → modified time), for the next run's `seen`. */
  const recent = new Map<string, number>();
  /** Timestamp of the newest records read, their ids (to drop repeats) and the highest of them. */
  let lastTs = Number.NEGATIVE_INFINITY;
  let idsAtLast = new Set<string>();
  let maxIdAtLast = '0';
  const rejectedSeen = new Set<string>();

  const accept = (raws: unknown[]): { page: AccountPage; marks: HubspotCursor[] } => {
    const page: AccountPage = { records: [], cursor: '', rejected: [] };
    const marks: HubspotCursor[] = [];
    for (const raw of raws) {
      const mapped = map(raw);
      if ('rejected' in mapped) {
        if (!rejectedSeen.has(mapped.id)) page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
        rejectedSeen.add(mapped.id);
        continue;
      }
      const { ts, id } = mapped.mark;
      marks.push(mapped.mark);
      if (ts >= horizon) recent.set(id, ts);
      if (ts === lastTs && idsAtLast.has(id)) continue;
      if (ts > lastTs) {
        lastTs = ts;
        idsAtLast = new Set();
        maxIdAtLast = '0';
      }
      if (ts === lastTs) {
        idsAtLast.add(id);
        if (compareIds(id, maxIdAtLast) > 0) maxIdAtLast = id;
      }
      // Read by the previous run inside its safety window, unchanged since.
      if (seenBefore.get(id) === ts) continue;
      page.records.push(mapped.record);
    }
    return { page, marks };
  };
  /** A page's cursor: `done`, held back to the horizon (never before `from`), with what was read after it. */
  const cursorAt = (position: HubspotCursor): string => {
    const held = earlierCursor(position, laterCursor(from, { ts: horizon, id: '0' }));
    const after = [...recent].filter(([id, ts]) => laterCursor(held, { ts, id }) !== held);
    after.sort((a, b) => b[1] - a[1]);
    return formatCursor(held, new Map(after.slice(0, MAX_SEEN)));
  };
  const searchPage = async (body: SearchBody): Promise<ApiPage> => {
    const result = await search(body);
    if (horizon === Number.NEGATIVE_INFINITY) horizon = (result.serverTime ?? now()) - safetyMs;
    return result;
  };
  const allRead = (): HubspotCursor =>
    Number.isFinite(lastTs) ? laterCursor(done, { ts: lastTs, id: maxIdAtLast }) : done;

  let scan = done;
  for (;;) {
    const result = await searchPage(modifiedAfterSearch(scan, properties, pageSize));
    const { page, marks } = accept(result.results);
    const first = marks[0];
    const last = marks.at(-1);
    if (result.paging?.next && !last) throw unreadablePage();
    if (!result.paging?.next || !first || !last) {
      // The search is exhausted: every record up to the newest one read has been read.
      done = allRead();
      page.cursor = cursorAt(done);
      yield page;
      return;
    }
    if (last.ts > first.ts) {
      // Records before the page's last timestamp are complete; that timestamp may go on.
      if (last.ts > done.ts) done = { ts: last.ts, id: '0' };
      page.cursor = cursorAt(done);
      yield page;
      scan = done;
      continue;
    }
    // A whole page on one timestamp: read that timestamp by id, then move past it.
    page.cursor = cursorAt(done);
    yield page;
    const ts = last.ts;
    let afterId = ts === done.ts ? done.id : '0';
    for (;;) {
      const bucket = await searchPage(sameTimestampSearch(ts, afterId, properties, pageSize));
      const { page: bucketPage, marks: bucketMarks } = accept(bucket.results);
      const lastInBucket = bucketMarks.at(-1);
      if (bucket.paging?.next && !lastInBucket) throw unreadablePage();
      if (!bucket.paging?.next || !lastInBucket) {
        done = allRead();
        bucketPage.cursor = cursorAt(done);
        yield bucketPage;
        break;
      }
      afterId = lastInBucket.id;
      done = laterCursor(done, { ts, id: afterId });
      bucketPage.cursor = cursorAt(done);
      yield bucketPage;
    }
    scan = done;
  }
}

/** A full page with no readable record gives no position to go on from: stop rather than skip. */
function unreadablePage(): SpocError {
  return new SpocError(
    'vendor',
    'HUBSPOT_UNREADABLE_PAGE',
    'HubSpot returned a whole search page of companies without a readable id or modified date; the read stops at the last good page',
    { system: 'hubspot' },
  );
}
