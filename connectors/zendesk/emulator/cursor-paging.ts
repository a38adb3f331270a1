import type { SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { zendeskError } from './errors.ts';
import { withUrl } from './responses.ts';
import type { Row } from './store.ts';

const MAX_PAGE = 100;
/** Offset pagination stops at the first 10,000 records. */
const OFFSET_WINDOW = 10_000;

/**
 * A Zendesk list endpoint's paging (https://developer.zendesk.com/api-reference/introduction/pagination/):
 * cursor pagination when the client asks for it (`page[size]`, `page[after]`), else
 * offset pagination (`page`, `per_page`, `next_page` links), 100 a page by default
 * and at most.
 */
export function listPage(
  req: SandboxRequest,
  rows: Row[],
  key: string,
  keep: (row: Row) => boolean = () => true,
): SandboxResponse {
  const cursor = req.query.has('page[size]') || req.query.has('page[after]');
  return cursor ? cursorPage(req, rows, key, keep) : offsetPage(req, rows, key, keep);
}

/**
 * Cursor pagination over rows in their order. The cursor is the opaque,
 * base64url-encoded index of the next row, so a page costs O(page) (plus rows skipped
 * by `keep`) whatever the list's size.
 */
export function cursorPage(
  req: SandboxRequest,
  list: Row[],
  key: string,
  keep: (row: Row) => boolean = () => true,
): SandboxResponse {
  const requested = Number(req.query.get('page[size]') ?? MAX_PAGE);
  if (!Number.isInteger(requested) || requested < 1)
    return zendeskError(400, 'InvalidPaginationParameter', 'page[size] must be a positive integer');
  const size = Math.min(MAX_PAGE, requested);
  const after = req.query.get('page[after]');
  let at = after ? decodeCursor(after) : 0;
  if (at === null) return zendeskError(400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
  const start = at;
  const rows: Row[] = [];
  for (; at < list.length && rows.length < size; at++) {
    const row = list[at] as Row;
    if (keep(row)) rows.push(row);
  }
  while (at < list.length && !keep(list[at] as Row)) at++;
  const hasMore = at < list.length;
  const afterCursor = encodeCursor(at);
  const next = new URLSearchParams(req.query);
  next.set('page[after]', afterCursor);
  next.delete('page[before]');
  return {
    status: 200,
    body: {
      [key]: rows.map((r) => withUrl(req, key, r)),
      meta: {
        has_more: hasMore,
        after_cursor: hasMore ? afterCursor : null,
        before_cursor: rows.length > 0 && start > 0 ? encodeCursor(start) : null,
      },
      links: { prev: null, next: hasMore ? `${req.baseUrl}${req.path}?${next}` : null },
    },
  };
}

/** Offset pagination: `{ key, next_page, previous_page, count }`, absolute links. */
function offsetPage(req: SandboxRequest, list: Row[], key: string, keep: (row: Row) => boolean): SandboxResponse {
  const perPage = Math.min(MAX_PAGE, Math.max(1, Number(req.query.get('per_page') ?? MAX_PAGE) || MAX_PAGE));
  const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
  if ((page - 1) * perPage >= OFFSET_WINDOW)
    return zendeskError(400, 'InvalidPaginationParameter', 'Offset pagination is limited to the first 10,000 records');
  const kept = list.filter(keep);
  const link = (n: number) => {
    const params = new URLSearchParams(req.query);
    params.set('page', String(n));
    params.set('per_page', String(perPage));
    return `${req.baseUrl}${req.path}?${params}`;
  };
  return {
    status: 200,
    body: {
      [key]: kept.slice((page - 1) * perPage, page * perPage).map((r) => withUrl(req, key, r)),
      next_page: page * perPage < Math.min(kept.length, OFFSET_WINDOW) ? link(page + 1) : null,
      previous_page: page > 1 ? link(page - 1) : null,
      count: kept.length,
    },
  };
}

function encodeCursor(index: number): string {
  return Buffer.from(`i${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number | null {
  const m = /^i(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}
