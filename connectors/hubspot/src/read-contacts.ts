import { type CascadeMove, type CascadePreview, type CascadeRequest, SpocError } from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { contactCountSearch, contactsOfCompaniesSearch, toContact } from './mapping.ts';

export interface PreviewLimits {
  /** Companies per contact search (one IN filter). */
  companiesPerSearch: number;
  searchPageSize: number;
}

/**
 * Reads only: the contacts (primary company = the account) whose owner differs from the
 * company's new owner. Found by search, `companiesPerSearch` companies at a time, paged
 * by id (keyset, so the 10,000-result window never applies). The last request of a
 * company wins.
 */
export async function previewContacts(
  api: HubspotApi,
  requests: CascadeRequest[],
  limits: PreviewLimits,
  signal?: AbortSignal,
): Promise<CascadePreview> {
  const ownerOf = new Map<string, string>();
  for (const r of requests) if (r.kind === 'contacts') ownerOf.set(r.accountRecordId, r.toId);

  const moves: CascadeMove[] = [];
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
          moves.push({ kind: 'contacts', accountRecordId: contact.companyId, id: contact.id, toId: target });
        }
      }
      if (!page.paging?.next || last === null) break;
      afterId = last;
    }
  }
  return { moves, problems: [] };
}

/** Every contact the portal holds, in one search call (its `total`). */
export async function countContacts(api: HubspotApi, signal?: AbortSignal): Promise<number> {
  const page = await api.search('contacts', contactCountSearch(), signal);
  if (page.total === undefined)
    throw new SpocError('vendor', 'HUBSPOT_BAD_RESPONSE', 'HubSpot contacts search returned no total', {
      system: 'hubspot',
    });
  return page.total;
}
