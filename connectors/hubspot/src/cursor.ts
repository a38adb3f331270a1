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

/**
 * A stored cursor: the position, and the companies already read after it (id → the
 * modified time they were read at). The position trails the newest company read by the
 * search index's safety window (incremental-read.ts); `seen` keeps the next run from
 * handing the companies of that window on again unless they changed since.
 */
export interface StoredCursor extends HubspotCursor {
  seen: Map<string, number>;
}

/** The start of time: a search from here reads every company. */
export const ORIGIN: HubspotCursor = { ts: 0, id: '0' };

export function formatCursor(cursor: HubspotCursor, seen?: ReadonlyMap<string, number>): string {
  const position = { ts: cursor.ts, id: cursor.id };
  return JSON.stringify(seen && seen.size > 0 ? { ...position, seen: Object.fromEntries(seen) } : position);
}

/** null when the stored value is not a cursor of ours (then the caller decides). */
export function parseCursor(value: string): StoredCursor | null {
  try {
    const parsed = JSON.parse(value) as Partial<HubspotCursor> & { seen?: unknown };
    if (
      typeof parsed.ts !== 'number' ||
      !Number.isFinite(parsed.ts) ||
      typeof parsed.id !== 'string' ||
      !/^\d+$/.test(parsed.id)
    )
      return null;
    const seen = new Map<string, number>();
    if (parsed.seen && typeof parsed.seen === 'object') {
      for (const [id, ts] of Object.entries(parsed.seen)) if (typeof ts === 'number') seen.set(id, ts);
    }
    return { ts: parsed.ts, id: parsed.id, seen };
  } catch {
    return null;
  }
}

/** Later of two positions; ids compare as numbers. */
export function laterCursor(a: HubspotCursor, b: HubspotCursor): HubspotCursor {
  return b.ts > a.ts || (b.ts === a.ts && compareIds(b.id, a.id) > 0) ? b : a;
}

/** Earlier of two positions. */
export function earlierCursor(a: HubspotCursor, b: HubspotCursor): HubspotCursor {
  return laterCursor(a, b) === a ? b : a;
}

/** Numeric-string comparison without precision loss (ids can exceed 2^53). */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
