import { type CascadeMove, type CascadeResult, isSpocError, type RecordOutcome } from '@spoc/core/connector';
import type { FreshdeskApi } from './api.ts';
import { type JobOptions, runBulkUpdate } from './jobs.ts';
import { ticketPath, ticketReassign, ticketsReassign } from './mapping.ts';

/** Tickets per bulk_update job (kept to 100 like Freshdesk's other bulk calls; *unverified* as its cap). */
const BATCH = 100;

/**
 * Writes the moves: tickets going to one agent together, 100 a bulk_update job; a lone
 * ticket by its own PUT (one call, where a job costs a POST and at least one poll). One
 * result per company, in the order companies first appear. The key refused stops
 * (thrown); any other failure fails its tickets and the others go on.
 */
export async function applyTicketMoves(
  api: FreshdeskApi,
  moves: CascadeMove[],
  jobOptions: JobOptions,
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
        outcome =
          ids.length === 1
            ? await moveOne(api, ids[0] as string, toId, signal)
            : await runBulkUpdate(api, ticketsReassign(ids, toId), ids, jobOptions, signal);
      } catch (error) {
        if (isSpocError(error) && error.kind === 'auth') throw error;
        if (signal?.aborted) throw error;
        const e = isSpocError(error) ? error : { code: 'UNEXPECTED', message: String(error) };
        outcome = new Map(ids.map((id) => [id, { ok: false, code: e.code, message: e.message }]));
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

async function moveOne(
  api: FreshdeskApi,
  id: string,
  toId: string,
  signal?: AbortSignal,
): Promise<Map<string, RecordOutcome>> {
  try {
    await api.put(ticketPath(id), ticketReassign(toId), signal);
    return new Map([[id, { ok: true }]]);
  } catch (error) {
    if (isSpocError(error) && error.kind === 'vendor')
      return new Map([[id, { ok: false, code: error.code, message: error.message }]]);
    throw error;
  }
}
