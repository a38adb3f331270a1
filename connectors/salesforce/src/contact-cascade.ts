import {
  type CascadeMove,
  type CascadePreview,
  type CascadeRequest,
  type CascadeResult,
  SpocError,
  toErrorInfo,
} from '@spoc/core';
import { updateCollection } from './collection-update.ts';
import { contactCountQuery, contactOwnerUpdate, contactQuery, toContact } from './mapping.ts';
import type { SalesforceApi } from './salesforce-api.ts';

/** Account ids per Contact query: ~30 URL-encoded characters each keeps the GET URL near 9 KB, under 16 KB. */
export const ACCOUNTS_PER_CONTACT_QUERY = 300;

/**
 * Reads only: the Contacts of each account whose owner differs from the account's new
 * owner, found by AccountId IN (…) (chunked, paged). The last request of an account wins.
 */
export async function previewContacts(
  api: SalesforceApi,
  requests: CascadeRequest[],
  signal?: AbortSignal,
): Promise<CascadePreview> {
  const owner = new Map<string, string>();
  for (const r of requests) if (r.kind === 'contacts') owner.set(r.accountRecordId, r.toId);
  const moves: CascadeMove[] = [];
  const accountIds = [...owner.keys()];
  for (let i = 0; i < accountIds.length; i += ACCOUNTS_PER_CONTACT_QUERY) {
    const soql = contactQuery(accountIds.slice(i, i + ACCOUNTS_PER_CONTACT_QUERY));
    for await (const page of api.query(soql, signal)) {
      for (const raw of page.records) {
        const contact = toContact(raw);
        const target = contact?.accountId ? owner.get(contact.accountId) : undefined;
        if (contact?.accountId && target && contact.ownerId !== target) {
          moves.push({ kind: 'contacts', accountRecordId: contact.accountId, id: contact.id, toId: target });
        }
      }
    }
  }
  return { moves, problems: [] };
}

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

/** Every Contact of the org, in one call (SELECT COUNT() answers totalSize only). */
export async function countContacts(api: SalesforceApi, signal?: AbortSignal): Promise<number> {
  for await (const page of api.query(contactCountQuery(), signal)) {
    if (page.totalSize !== undefined) return page.totalSize;
  }
  throw new SpocError('vendor', 'SALESFORCE_BAD_RESPONSE', 'the Contact count query returned no totalSize', {
    system: 'salesforce',
  });
}
