import { type CascadeMove, type CascadeResult, toErrorInfo } from '@spoc/core/connector';
import type { SalesforceApi } from './api.ts';
import { updateCollection } from './collection-update.ts';
import { contactOwnerUpdate } from './mapping.ts';

/**
 * Writes the moves, 200 Contacts a composite/sobjects call. A failed Contact is listed
 * under its account; an error that stops the system fails the Contacts not yet sent.
 * One result per account, in the order accounts first appear.
 */
export async function applyContactMoves(
  api: SalesforceApi,
  moves: CascadeMove[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<CascadeResult[]> {
  const seen = new Set<string>();
  const pending = moves
    .filter((m) => m.kind === 'contacts' && !seen.has(m.id) && seen.add(m.id))
    .map((m) => ({ id: m.id, accountId: m.accountRecordId, body: contactOwnerUpdate(m.id, m.toId) }));
  const results = new Map<string, CascadeResult>();
  for (const m of pending)
    if (!results.has(m.accountId)) results.set(m.accountId, { accountRecordId: m.accountId, updated: 0, failed: [] });

  const { outcomes, stopped } = await updateCollection(api, pending, concurrency, signal);
  const stop = stopped ? toErrorInfo(stopped) : null;
  for (const contact of pending) {
    const result = results.get(contact.accountId);
    if (!result) continue;
    const outcome = outcomes.get(contact.id);
    if (outcome?.ok) result.updated++;
    else if (outcome)
      result.failed.push({ id: contact.id, error: { code: outcome.code, kind: 'record', message: outcome.message } });
    else
      result.failed.push({
        id: contact.id,
        error: stop ?? { code: 'NO_RESULT', kind: 'vendor', message: 'not written' },
      });
  }
  return [...results.values()];
}
