import { type CascadeMove, type CascadeResult, toErrorInfo } from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { batchOutcomes, refusesRecords } from './batch-outcomes.ts';
import { toSpocError } from './errors.ts';
import { contactOwnerProperties } from './mapping.ts';

/**
 * Writes the moves, `batchSize` contacts a batch update. One result per company, in the
 * order companies first appear. A batch refused for its records fails those contacts
 * and the rest go on; an error that stops the system is thrown when nothing was sent
 * yet, and otherwise fails every contact not yet written.
 */
export async function applyContactMoves(
  api: HubspotApi,
  moves: CascadeMove[],
  batchSize: number,
  signal?: AbortSignal,
): Promise<CascadeResult[]> {
  const pending = uniqueMoves(moves.filter((m) => m.kind === 'contacts'));
  const results = new Map<string, CascadeResult>();
  for (const m of pending)
    if (!results.has(m.accountRecordId))
      results.set(m.accountRecordId, { accountRecordId: m.accountRecordId, updated: 0, failed: [] });

  for (let i = 0; i < pending.length; i += batchSize) {
    const chunk = pending.slice(i, i + batchSize);
    const inputs = chunk.map((m) => ({ id: m.id, properties: contactOwnerProperties(m.toId) }));
    let outcomes: ReturnType<typeof batchOutcomes>;
    try {
      const { status, body } = await api.batchUpdate('contacts', inputs, signal);
      outcomes = batchOutcomes(
        chunk.map((m) => m.id),
        status,
        body,
      );
    } catch (error) {
      const e = toSpocError(error);
      if (!refusesRecords(e) && i === 0) throw e;
      // A refused batch fails its contacts; a stopping error fails every contact not yet written.
      const rest = refusesRecords(e) ? chunk : pending.slice(i);
      const info = refusesRecords(e) ? { code: e.code, kind: 'record', message: e.message } : toErrorInfo(e);
      for (const m of rest) results.get(m.accountRecordId)?.failed.push({ id: m.id, error: info });
      if (refusesRecords(e)) continue;
      break;
    }
    for (const m of chunk) {
      const r = results.get(m.accountRecordId);
      const outcome = outcomes.get(m.id);
      if (!r || !outcome) continue;
      if (outcome.ok) r.updated++;
      else r.failed.push({ id: m.id, error: { code: outcome.code, kind: 'record', message: outcome.message } });
    }
  }
  return [...results.values()];
}

/** A contact listed twice is written once (its first move): one batch must not name an id twice. */
function uniqueMoves(moves: CascadeMove[]): CascadeMove[] {
  const seen = new Set<string>();
  return moves.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    return true;
  });
}
