/**
 * The incremental read position: every company modified before `ts` has been read, and
 * those modified exactly at `ts` up to id `id` ('0' = none of them yet). Stored by the
 * runner as an opaque JSON string.
 */
export interface HubspotCursor {
  /** hs_lastmodifieddate in epoch milliseconds. */
  ts: number;
  /** hs_object_id of the last record read at `ts` (HubSpot ids are numeric strings). */
  id: string;
}

/** The start of time: a search from here reads every company. */
export const ORIGIN: HubspotCursor = { ts: 0, id: '0' };

export function formatCursor(cursor: HubspotCursor): string {
  return JSON.stringify({ ts: cursor.ts, id: cursor.id });
}

/** null when the stored value is not a cursor of ours (then the caller decides). */
export function parseCursor(value: string): HubspotCursor | null {
  try {
    const parsed = JSON.parse(value) as Partial<HubspotCursor>;
    return typeof parsed.ts === 'number' &&
      Number.isFinite(parsed.ts) &&
      typeof parsed.id === 'string' &&
      /^\d+$/.test(parsed.id)
      ? { ts: parsed.ts, id: parsed.id }
      : null;
  } catch {
    return null;
  }
}

/** Later of two positions; ids compare as numbers. */
export function laterCursor(a: HubspotCursor, b: HubspotCursor): HubspotCursor {
  return b.ts > a.ts || (b.ts === a.ts && compareIds(b.id, a.id) > 0) ? b : a;
}

/** Numeric-string comparison without precision loss (ids can exceed 2^53). */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
