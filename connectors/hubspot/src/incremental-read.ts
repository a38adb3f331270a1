import { type AccountPage, type AccountRecord, SpocError } from '@spoc/core/connector';
import { compareIds, formatCursor, type HubspotCursor, laterCursor } from './cursor.ts';
import type { ApiPage, SearchBody } from './mapping.ts';
import { modifiedAfterSearch, sameTimestampSearch } from './mapping.ts';

export type Mapped = { record: AccountRecord; mark: HubspotCursor } | { id: string; rejected: string };

export interface IncrementalReadOptions {
  from: HubspotCursor;
  search: (body: SearchBody) => Promise<ApiPage>;
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
 */
export async function* readModifiedSince(options: IncrementalReadOptions): AsyncGenerator<AccountPage> {
  const { search, map, properties, pageSize } = options;
  /** Safe resume point: everything before it has been yielded. */
  let done = options.from;
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
      page.records.push(mapped.record);
    }
    return { page, marks };
  };
  const allRead = (): HubspotCursor =>
    Number.isFinite(lastTs) ? laterCursor(done, { ts: lastTs, id: maxIdAtLast }) : done;

  let scan = done;
  for (;;) {
    const result = await search(modifiedAfterSearch(scan, properties, pageSize));
    const { page, marks } = accept(result.results);
    const first = marks[0];
    const last = marks.at(-1);
    if (result.paging?.next && !last) throw unreadablePage();
    if (!result.paging?.next || !first || !last) {
      // The search is exhausted: every record up to the newest one read has been read.
      done = allRead();
      page.cursor = formatCursor(done);
      yield page;
      return;
    }
    if (last.ts > first.ts) {
      // Records before the page's last timestamp are complete; that timestamp may go on.
      if (last.ts > done.ts) done = { ts: last.ts, id: '0' };
      page.cursor = formatCursor(done);
      yield page;
      scan = done;
      continue;
    }
    // A whole page on one timestamp: read that timestamp by id, then move past it.
    page.cursor = formatCursor(done);
    yield page;
    const ts = last.ts;
    let afterId = ts === done.ts ? done.id : '0';
    for (;;) {
      const bucket = await search(sameTimestampSearch(ts, afterId, properties, pageSize));
      const { page: bucketPage, marks: bucketMarks } = accept(bucket.results);
      const lastInBucket = bucketMarks.at(-1);
      if (bucket.paging?.next && !lastInBucket) throw unreadablePage();
      if (!bucket.paging?.next || !lastInBucket) {
        done = allRead();
        bucketPage.cursor = formatCursor(done);
        yield bucketPage;
        break;
      }
      afterId = lastInBucket.id;
      done = laterCursor(done, { ts, id: afterId });
      bucketPage.cursor = formatCursor(done);
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
