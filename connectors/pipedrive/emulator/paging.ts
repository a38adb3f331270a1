import { VendorError } from '@spoc/sandbox/kit';
import { badRequest } from './errors.ts';

/** v2 lists take `limit` up to 500 (default 100) and page by an opaque `cursor` (next in additional_data.next_cursor). */
export const MAX_LIMIT = 500;

export function limitOf(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new VendorError(badRequest('Validation failed: limit: Expected number, received string'));
  if (n > MAX_LIMIT)
    throw new VendorError(badRequest(`Validation failed: limit: Number must be less than or equal to ${MAX_LIMIT}`));
  return n;
}

/** A keyset position: after the record with this sort value and id. */
export interface Position {
  value: number;
  id: number;
}

export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(raw: string | null): Position | null {
  if (raw === null || raw === '') return null;
  try {
    const p = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Position>;
    if (typeof p.value === 'number' && typeof p.id === 'number') return { value: p.value, id: p.id };
  } catch {
    // fall through
  }
  throw new VendorError(badRequest('Invalid cursor'));
}

/**
 * One page of `rows`, already in order by (value, id) in `direction`, from after the
 * cursor: keyset paging, so a record that changes while a client pages is neither lost
 * nor read twice within its old place.
 */
export function pageOf<T>(
  rows: T[],
  key: (row: T) => Position,
  direction: 'asc' | 'desc',
  cursor: Position | null,
  limit: number,
): { page: T[]; next: string | null } {
  const after = (row: T): boolean => {
    if (!cursor) return true;
    const k = key(row);
    const cmp = k.value - cursor.value || k.id - cursor.id;
    return direction === 'asc' ? cmp > 0 : cmp < 0;
  };
  let start = 0;
  if (cursor) {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (after(rows[mid] as T)) hi = mid;
      else lo = mid + 1;
    }
    start = lo;
  }
  const page = rows.slice(start, start + limit);
  const last = page.at(-1);
  return { page, next: start + limit < rows.length && last !== undefined ? encodeCursor(key(last)) : null };
}

/** RFC 3339 to Unix seconds, or a 400 naming the parameter. */
export function secondsOf(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new VendorError(badRequest(`Validation failed: ${name}: Invalid RFC3339 date`));
  return Math.floor(ms / 1000);
}
