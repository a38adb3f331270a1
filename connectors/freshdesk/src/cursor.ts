/**
 * What readAccounts leaves as its cursor. Every read is a full read (see read-accounts.ts),
 * so the cursor only records when the last one began and the newest updated_at it saw:
 * kept for the run log and for an incremental read should Freshdesk ever offer one.
 */
export interface FreshdeskCursor {
  readAt: string;
  maxUpdatedAt: string | null;
}

export function formatCursor(cursor: FreshdeskCursor): string {
  return JSON.stringify(cursor);
}
