/**
 * The incremental read position, stored by the runner as an opaque JSON string: every
 * organization updated before second `ts` has been read, and of those updated within
 * `ts` itself, the ones in `ids`. Pipedrive's update_time has whole seconds and its
 * updated_since filter is inclusive, so the next read starts at `ts` and drops `ids`.
 */
export interface PipedriveCursor {
  /** Unix seconds. */
  ts: number;
  ids: number[];
}

/** The start of time: a read from here reads every organization. */
export const ORIGIN: PipedriveCursor = { ts: 0, ids: [] };

export function formatCursor(cursor: PipedriveCursor): string {
  return JSON.stringify({ ts: cursor.ts, ids: [...cursor.ids].sort((a, b) => a - b) });
}

/** null when the stored value is not a cursor of ours (then every organization is read). */
export function parseCursor(value: string): PipedriveCursor | null {
  try {
    const parsed = JSON.parse(value) as Partial<PipedriveCursor> | null;
    const ids = parsed?.ids;
    return typeof parsed?.ts === 'number' &&
      Number.isInteger(parsed.ts) &&
      parsed.ts >= 0 &&
      Array.isArray(ids) &&
      ids.every((id) => Number.isInteger(id))
      ? { ts: parsed.ts, ids }
      : null;
  } catch {
    return null;
  }
}

/** RFC 3339 in whole seconds, as updated_since takes it. */
export function rfc3339(ts: number): string {
  return new Date(ts * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
