import {
  type CascadeMove,
  type CascadePreview,
  type CascadeRequest,
  type CascadeResult,
  SpocError,
  toErrorInfo,
} from '@spoc/core';
import { batchOutcomes, refusesRecords } from './batch-outcomes.ts';
import { toSpocError } from './errors.ts';
import type { HubspotApi } from './hubspot-api.ts';
import { contactCountSearch, contactOwnerProperties, contactsOfCompaniesSearch, toContact } from './mapping.ts';

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

/** Every contact the portal holds, in one search call (its `total`). */
export async function countContacts(api: HubspotApi, signal?: AbortSignal): Promise<number> {
  const page = await api.search('contacts', contactCountSearch(), signal);
  if (page.total === undefined)
    throw new SpocError('vendor', 'HUBSPOT_BAD_RESPONSE', 'HubSpot contacts search returned no total', {
      system: 'hubspot',
    });
  return page.total;
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
