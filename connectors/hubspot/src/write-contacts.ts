import {
  type CascadeMove,
  type CascadeResult,
  type RecordOutcome,
  type SpocError,
  toErrorInfo,
} from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { updateIsolating } from './batch-isolate.ts';
import { toSpocError } from './errors.ts';
import { contactOwnerProperties } from './mapping.ts';

/**
 * Writes the moves, `batchSize` contacts a batch update. One result per company, in the
 * order companies first appear. A batch refused for its records is narrowed down to the
 * contacts at fault (batch-isolate.ts), which fail while the rest are written; an error that stops the system is thrown when nothing was sent
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
    const outcomes = new Map<string, RecordOutcome>();
    let stopped: SpocError | null = null;
    try {
      await updateIsolating(api, 'contacts', inputs, outcomes, signal);
    } catch (error) {
      stopped = toSpocError(error);
      // Nothing sent yet: the error is the run's, not the contacts'.
      if (i === 0 && outcomes.size === 0) throw stopped;
    }
    for (const m of chunk) {
      const r = results.get(m.accountRecordId);
      const outcome = outcomes.get(m.id);
      if (!r) continue;
      if (outcome?.ok) r.updated++;
      else if (outcome)
        r.failed.push({ id: m.id, error: { code: outcome.code, kind: 'record', message: outcome.message } });
      else if (stopped) r.failed.push({ id: m.id, error: toErrorInfo(stopped) });
    }
    if (stopped) {
      // A stopping error fails every contact not yet written.
      for (const m of pending.slice(i + batchSize)) {
        results.get(m.accountRecordId)?.failed.push({ id: m.id, error: toErrorInfo(stopped) });
      }
      break;
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
