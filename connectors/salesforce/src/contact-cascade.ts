import { type CascadeResult, type ContactOwnerUpdate, toErrorInfo } from '@spoc/core';
import { updateCollection } from './collection-update.ts';
import { contactOwnerUpdate, contactQuery, toContact } from './mapping.ts';
import type { SalesforceApi } from './salesforce-api.ts';

/** Account ids per Contact query: ~30 URL-encoded characters each keeps the GET URL near 9 KB, under 16 KB. */
export const ACCOUNTS_PER_CONTACT_QUERY = 300;

/**
 * Each account's Contacts take the account's new owner: Contacts found by AccountId IN (…)
 * (chunked, paged), only those whose owner differs updated, 200 a composite/sobjects call.
 * A failed Contact is listed under its account; an error that stops the system during
 * the writes fails the Contacts not yet sent, and during the reads is thrown.
 */
export async function cascadeContacts(
  api: SalesforceApi,
  updates: ContactOwnerUpdate[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<CascadeResult[]> {
  const owner = new Map(updates.map((u) => [u.accountRecordId, u.ownerId]));
  const results = new Map<string, CascadeResult>();
  for (const id of owner.keys()) results.set(id, { accountRecordId: id, updated: 0, failed: [] });

  const pending: { id: string; accountId: string; body: Record<string, unknown> }[] = [];
  const accountIds = [...owner.keys()];
  for (let i = 0; i < accountIds.length; i += ACCOUNTS_PER_CONTACT_QUERY) {
    const soql = contactQuery(accountIds.slice(i, i + ACCOUNTS_PER_CONTACT_QUERY));
    for await (const page of api.query(soql, signal)) {
      for (const raw of page.records) {
        const contact = toContact(raw);
        const target = contact?.accountId ? owner.get(contact.accountId) : undefined;
        if (contact?.accountId && target && contact.ownerId !== target) {
          pending.push({ id: contact.id, accountId: contact.accountId, body: contactOwnerUpdate(contact.id, target) });
        }
      }
    }
  }

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
