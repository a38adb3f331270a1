import { type CascadeMove, type CascadeResult, toErrorInfo } from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import { personOwnerUpdate } from './mapping.ts';
import { answered, eachLimited, refusesRecord } from './outcomes.ts';

/**
 * Moves persons to their organization's new owner, one PATCH /api/v2/persons/{id} a
 * person (Pipedrive has no bulk update). One result per organization, in the order
 * organizations first appear. A person Pipedrive refuses fails alone, with its reason;
 * an error that stops the system is thrown when nothing was written yet, and otherwise
 * fails every person not yet written.
 */
export async function applyContactMoves(
  api: PipedriveApi,
  moves: CascadeMove[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<CascadeResult[]> {
  const pending = uniqueMoves(moves.filter((m) => m.kind === 'contacts'));
  const results = new Map<string, CascadeResult>();
  for (const m of pending)
    if (!results.has(m.accountRecordId))
      results.set(m.accountRecordId, { accountRecordId: m.accountRecordId, updated: 0, failed: [] });

  const done = new Set<CascadeMove>();
  let written = 0;
  let stopped: unknown = null;
  await eachLimited(
    pending,
    concurrency,
    async (m) => {
      const result = results.get(m.accountRecordId);
      if (!result) return;
      if (!/^\d+$/.test(m.id) || !/^\d+$/.test(m.toId)) {
        done.add(m);
        result.failed.push({
          id: m.id,
          error: { code: 'PIPEDRIVE_BAD_ID', kind: 'record', message: `cannot move person ${m.id} to user ${m.toId}` },
        });
        return;
      }
      try {
        const outcome = answered(await api.updatePerson(Number(m.id), personOwnerUpdate(Number(m.toId)), signal));
        done.add(m);
        if (outcome.ok) {
          result.updated++;
          written++;
        } else
          result.failed.push({ id: m.id, error: { code: outcome.code, kind: 'record', message: outcome.message } });
      } catch (error) {
        if (!refusesRecord(error)) {
          stopped ??= error;
          return;
        }
        done.add(m);
        const e = error as { code: string; message: string };
        result.failed.push({ id: m.id, error: { code: e.code, kind: 'record', message: e.message } });
      }
    },
    () => stopped !== null,
  );
  if (stopped) {
    if (written === 0) throw stopped;
    const info = toErrorInfo(stopped);
    for (const m of pending) if (!done.has(m)) results.get(m.accountRecordId)?.failed.push({ id: m.id, error: info });
  }
  return [...results.values()];
}

/** A person listed twice is moved once (its first move). */
function uniqueMoves(moves: CascadeMove[]): CascadeMove[] {
  const seen = new Set<string>();
  return moves.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    return true;
  });
}
