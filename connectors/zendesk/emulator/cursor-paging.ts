import type { SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { zendeskError } from './errors.ts';
import { withUrl } from './responses.ts';
import type { Row, Table } from './store.ts';

const MAX_PAGE = 100;

/**
 * Zendesk cursor pagination (`page[size]`, `page[after]`) over a table in insertion
 * order. The cursor is the opaque, base64url-encoded index of the next row, so a page
 * costs O(page) (plus rows skipped by `keep`) whatever the table size.
 */
export function cursorPage(
  req: SandboxRequest,
  table: Table,
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
  for (; at < table.list.length && rows.length < size; at++) {
    const row = table.list[at] as Row;
    if (keep(row)) rows.push(row);
  }
  while (at < table.list.length && !keep(table.list[at] as Row)) at++;
  const hasMore = at < table.list.length;
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

function encodeCursor(index: number): string {
  return Buffer.from(`i${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number | null {
  const m = /^i(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}
