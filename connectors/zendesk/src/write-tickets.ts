import { type CascadeMove, type CascadeResult, isSpocError, type RecordOutcome } from '@spoc/core/connector';
import { allFailed, type BulkJob } from './jobs.ts';
import { ticketsReassign } from './mapping.ts';

/** Tickets per update_many job (Zendesk's cap). */
const BATCH = 100;

/**
 * Writes the moves: tickets going to one assignee together, 100 an update_many job. One
 * result per organization, in the order organizations first appear. An auth error stops
 * (thrown); any other failure of a job fails its tickets and the others go on.
 */
export async function applyTicketMoves(
  bulk: BulkJob,
  moves: CascadeMove[],
  signal?: AbortSignal,
): Promise<CascadeResult[]> {
  const results = new Map<string, CascadeResult>();
  const byTarget = new Map<string, CascadeMove[]>();
  for (const m of moves) {
    if (m.kind !== 'openTickets') continue;
    if (!results.has(m.accountRecordId))
      results.set(m.accountRecordId, { accountRecordId: m.accountRecordId, updated: 0, failed: [] });
    byTarget.set(m.toId, [...(byTarget.get(m.toId) ?? []), m]);
  }
  for (const [toId, list] of byTarget) {
    for (let i = 0; i < list.length; i += BATCH) {
      const chunk = list.slice(i, i + BATCH);
      const ids = chunk.map((t) => t.id);
      let outcome: Map<string, RecordOutcome>;
      try {
        outcome = await bulk((some) => ticketsReassign(some, toId), ids, signal);
      } catch (error) {
        if (isSpocError(error) && error.kind === 'auth') throw error;
        outcome = allFailed(ids, error);
      }
      for (const t of chunk) {
        const result = results.get(t.accountRecordId);
        const o = outcome.get(t.id) ?? { ok: false, code: 'NO_RESULT', message: 'not moved' };
        if (!result) continue;
        if (o.ok) result.updated++;
        else result.failed.push({ id: t.id, error: { code: o.code, kind: 'record', message: o.message } });
      }
    }
  }
  return [...results.values()];
}
