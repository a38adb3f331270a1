import type { CascadeMove, CascadePreview, CascadeRequest, ConnectorContext } from '@spoc/core/connector';
import type { ZendeskApi } from './api.ts';
import {
  openTicketCount,
  organizationTickets,
  search,
  searchPage,
  ticketsPage,
  toOpenTicket,
  UNSOLVED,
} from './mapping.ts';

/**
 * Reads only: the unsolved tickets each previous POC holds in the organizations they
 * hand over, to move to the new POC. Each organization's own ticket list, not search:
 * search lags minutes behind edits (a ticket assigned just before the run would be
 * missed, one just moved away listed) and stops at 1,000 results
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/search/).
 * The list is live, uncapped and cursor-paged, 100 a page: one call per organization
 * with under 100 tickets of any status.
 */
export async function previewTickets(
  api: ZendeskApi,
  _ctx: ConnectorContext,
  requests: CascadeRequest[],
  signal?: AbortSignal,
): Promise<CascadePreview> {
  // Organization → previous POC → new POC; two roles handing one person's tickets in
  // one organization to two people: the first wins.
  const byOrg = new Map<string, Map<string, string>>();
  for (const r of requests) {
    if (r.kind !== 'openTickets' || r.fromId === null) continue;
    const handovers = byOrg.get(r.accountRecordId) ?? new Map<string, string>();
    if (!handovers.has(r.fromId)) handovers.set(r.fromId, r.toId);
    byOrg.set(r.accountRecordId, handovers);
  }
  // The gate paces these (and runs a few at once); results keep the requests' order.
  const perOrg = await Promise.all(
    [...byOrg].map(async ([org, handovers]) => {
      const moves: CascadeMove[] = [];
      for await (const page of api.pages(organizationTickets(org), signal)) {
        for (const raw of ticketsPage(page.result)) {
          const t = toOpenTicket(raw);
          const toId = t?.assigneeId ? handovers.get(t.assigneeId) : undefined;
          if (!t || !toId || !UNSOLVED.includes(t.status) || t.orgId !== org) continue;
          moves.push({ kind: 'openTickets', accountRecordId: org, id: t.id, toId });
        }
      }
      return moves;
    }),
  );
  return { moves: perOrg.flat(), problems: [] };
}

/** Every unsolved ticket of the account, in one search call (its `count`; search's lag does not matter to a count). */
export async function countOpenTickets(api: ZendeskApi, signal?: AbortSignal): Promise<number> {
  const page = searchPage((await api.get(search(openTicketCount()), signal)).result);
  return page.count ?? page.results.length;
}
