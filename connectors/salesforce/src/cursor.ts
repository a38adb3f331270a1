import { SpocError } from '@spoc/core/connector';

/**
 * Resume point of an Account read: the (SystemModstamp, Id) of the last record read, in the
 * read's (SystemModstamp, Id) order. Stored by core as an opaque JSON string.
 */
export interface SalesforceCursor {
  /** ISO-8601 UTC. */
  ts: string;
  id: string;
}

/** Where a full read of an empty org leaves off: the next read takes every Account. */
export const ORIGIN: SalesforceCursor = { ts: '1970-01-01T00:00:00.000Z', id: '' };

export function formatCursor(cursor: SalesforceCursor): string {
  return JSON.stringify({ ts: cursor.ts, id: cursor.id });
}

/** A cursor this connector did not write is a config problem, not something to guess around. */
export function parseCursor(text: string): SalesforceCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  const c = parsed as Partial<SalesforceCursor> | null;
  if (typeof c?.ts === 'string' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.ts))) {
    return { ts: new Date(c.ts).toISOString(), id: c.id };
  }
  throw new SpocError(
    'config',
    'SALESFORCE_BAD_CURSOR',
    `Stored Salesforce cursor ${JSON.stringify(text)} is not one this connector wrote; run a full read (--full)`,
    { system: 'salesforce' },
  );
}
