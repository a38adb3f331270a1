import { type CascadeMove, type CascadePreview, type CascadeRequest, SpocError } from '@spoc/core/connector';
import type { SalesforceApi } from './api.ts';
import { contactCountQuery, contactQuery, toContact } from './mapping.ts';

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

/** Every Contact of the org, in one call (SELECT COUNT() answers totalSize only). */
export async function countContacts(api: SalesforceApi, signal?: AbortSignal): Promise<number> {
  for await (const page of api.query(contactCountQuery(), signal)) {
    if (page.totalSize !== undefined) return page.totalSize;
  }
  throw new SpocError('vendor', 'SALESFORCE_BAD_RESPONSE', 'the Contact count query returned no totalSize', {
    system: 'salesforce',
  });
}
