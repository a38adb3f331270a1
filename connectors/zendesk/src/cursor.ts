/** Resume point of incremental reads: the export's start_time (Unix seconds, inclusive). Stored by core as JSON. */
export interface ZendeskCursor {
  startTime: number;
}

export function formatCursor(cursor: ZendeskCursor): string {
  return JSON.stringify(cursor);
}

/** null when the stored value is not a cursor of ours (then every organization is read). */
export function parseCursor(cursor: string | null): ZendeskCursor | null {
  if (cursor === null) return null;
  try {
    const parsed = JSON.parse(cursor) as Partial<ZendeskCursor> | null;
    return typeof parsed?.startTime === 'number' && Number.isInteger(parsed.startTime)
      ? { startTime: parsed.startTime }
      : null;
  } catch {
    return null;
  }
}
