import { type CascadeResult, type ContactOwnerUpdate, toErrorInfo } from '@spoc/core';
import { batchOutcomes, refusesRecords } from './batch-outcomes.ts';
import { toSpocError } from './errors.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { contactOwnerProperties, contactsOfCompaniesSearch, toContact } from './mapping.ts';

export interface CascadeLimits {
  /** Companies per contact search (one IN filter). */
  companiesPerSearch: number;
  searchPageSize: number;
  batchSize: number;
}

/**
 * Each company's contacts (primary company = the account) take the company's new owner.
 * Contacts are found by search, `companiesPerSearch` companies at a time, paged by id
 * (keyset, so the 10,000-result window never applies); only those whose owner differs
 * are written, `batchSize` a call. One result per account, in input order.
 */
export async function cascadeContacts(
  api: HubspotApi,
  updates: ContactOwnerUpdate[],
  limits: CascadeLimits,
  signal?: AbortSignal,
): Promise<CascadeResult[]> {
  // The last update of an account wins; results keep the order accounts first appear in.
  const ownerOf = new Map<string, string>();
  for (const u of updates) ownerOf.set(u.accountRecordId, u.ownerId);
  const results = new Map<string, CascadeResult>();
  for (const id of ownerOf.keys()) results.set(id, { accountRecordId: id, updated: 0, failed: [] });

  const pending: { id: string; company: string; ownerId: string }[] = [];
  const companies = [...ownerOf.keys()];
  for (let i = 0; i < companies.length; i += limits.companiesPerSearch) {
    const chunk = companies.slice(i, i + limits.companiesPerSearch);
    let afterId = '0';
    for (;;) {
      const page = await api.search(
        'contacts',
        contactsOfCompaniesSearch(chunk, afterId, limits.searchPageSize),
        signal,
      );
      let last: string | null = null;
      for (const raw of page.results) {
        const contact = toContact(raw);
        if (!contact) continue;
        last = contact.id;
        const target = contact.companyId === null ? undefined : ownerOf.get(contact.companyId);
        if (contact.companyId !== null && target !== undefined && contact.ownerId !== target) {
          pending.push({ id: contact.id, company: contact.companyId, ownerId: target });
        }
      }
      if (!page.paging?.next || last === null) break;
      afterId = last;
    }
  }

  for (let i = 0; i < pending.length; i += limits.batchSize) {
    const chunk = pending.slice(i, i + limits.batchSize);
    const inputs = chunk.map((c) => ({ id: c.id, properties: contactOwnerProperties(c.ownerId) }));
    let outcomes: ReturnType<typeof batchOutcomes>;
    try {
      const { status, body } = await api.batchUpdate('contacts', inputs, signal);
      outcomes = batchOutcomes(
        chunk.map((c) => c.id),
        status,
        body,
      );
    } catch (error) {
      const e = toSpocError(error);
      if (!refusesRecords(e) && i === 0) throw e;
      // A refused batch fails its contacts; a stopping error fails every contact not yet written.
      const rest = refusesRecords(e) ? chunk : pending.slice(i);
      const info = refusesRecords(e) ? { code: e.code, kind: 'record', message: e.message } : toErrorInfo(e);
      for (const c of rest) results.get(c.company)?.failed.push({ id: c.id, error: info });
      if (refusesRecords(e)) continue;
      break;
    }
    for (const c of chunk) {
      const r = results.get(c.company);
      const outcome = outcomes.get(c.id);
      if (!r || !outcome) continue;
      if (outcome.ok) r.updated++;
      else r.failed.push({ id: c.id, error: { code: outcome.code, kind: 'record', message: outcome.message } });
    }
  }
  return [...results.values()];
}
