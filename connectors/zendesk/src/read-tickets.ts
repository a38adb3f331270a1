import type { CascadePreview, CascadeRequest, ConnectorContext } from '@spoc/core/connector';
import type { ZendeskApi, ZendeskUri } from './api.ts';
import { openTicketCount, search, searchPage, ticketSearch, ticketsHeldBy, toOpenTicket, UNSOLVED } from './mapping.ts';

/** Zendesk search returns at most 1,000 results (10 pages of 100); asking for more is a 422. */
const SEARCH_CAP = 1000;

type OpenTicket = NonNullable<ReturnType<typeof toOpenTicket>>;

/**
 * Reads only: the unsolved tickets the previous POC holds in each organization, to move
 * to the new POC. One search per previous POC (not per organization), kept to the
 * organizations they hand over; per-organization searches only when that search hits
 * Zendesk's 1,000 cap. Search indexes lag behind edits, so assignee and status are
 * checked again on each result: a ticket someone else holds, or a solved/closed one, is
 * never listed. An organization still over the cap is a problem of the preview.
 */
export async function previewTickets(
  api: ZendeskApi,
  ctx: ConnectorContext,
  requests: CascadeRequest[],
  signal?: AbortSignal,
): Promise<CascadePreview> {
  const byPrevious = new Map<string, Map<string, string>>();
  for (const r of requests) {
    if (r.kind !== 'openTickets' || r.fromId === null) continue;
    const orgs = byPrevious.get(r.fromId) ?? new Map<string, string>();
    // Two roles handing one person's tickets in one organization to two people: the first wins.
    if (!orgs.has(r.accountRecordId)) orgs.set(r.accountRecordId, r.toId);
    byPrevious.set(r.fromId, orgs);
  }

  const preview: CascadePreview = { moves: [], problems: [] };
  for (const [fromId, orgs] of byPrevious) {
    // One organization: its own search is as cheap and narrower (less likely to hit the cap).
    const [only] = orgs.size === 1 ? [...orgs.keys()] : [];
    let found = await searchTickets(api, only ? ticketSearch(only, fromId) : ticketsHeldBy(fromId), signal);
    if (found.capped) {
      const perOrg = only
        ? [found]
        : await Promise.all([...orgs.keys()].map((org) => searchTickets(api, ticketSearch(org, fromId), signal)));
      found = { tickets: perOrg.flatMap((s) => s.tickets), capped: false };
      [...orgs.keys()].forEach((org, i) => {
        if (!perOrg[i]?.capped) return;
        ctx.logger.warn({ org, fromId }, 'over 1,000 open tickets: only the first 1,000 can be handed over');
        preview.problems.push({
          accountRecordId: org,
          code: 'SEARCH_CAP',
          message: `over ${SEARCH_CAP} unsolved tickets held by ${fromId}; only the first ${SEARCH_CAP} are handed over`,
        });
      });
    }
    const seen = new Set<string>();
    for (const t of found.tickets) {
      const toId = orgs.get(t.orgId);
      if (!toId || t.assigneeId !== fromId || !UNSOLVED.includes(t.status) || seen.has(t.id)) continue;
      seen.add(t.id);
      preview.moves.push({ kind: 'openTickets', accountRecordId: t.orgId, id: t.id, toId });
    }
  }
  return preview;
}

/** Every unsolved ticket of the account, in one search call (its `count`). */
export async function countOpenTickets(api: ZendeskApi, signal?: AbortSignal): Promise<number> {
  const page = searchPage((await api.get(search(openTicketCount()), signal)).result);
  return page.count ?? page.results.length;
}

/** All results of one ticket search (following next_page), and whether the 1,000 cap cut it short. */
async function searchTickets(
  api: ZendeskApi,
  query: string,
  signal?: AbortSignal,
): Promise<{ tickets: OpenTicket[]; capped: boolean }> {
  const tickets: OpenTicket[] = [];
  let seen = 0;
  let capped = false;
  let next: ZendeskUri | null = search(query);
  while (next) {
    const page = searchPage((await api.get(next, signal)).result);
    seen += page.results.length;
    for (const raw of page.results) {
      const t = toOpenTicket(raw);
      if (t) tickets.push(t);
    }
    capped ||= (page.count ?? 0) > SEARCH_CAP;
    if (page.next && seen >= SEARCH_CAP) capped = true;
    next = page.next && seen < SEARCH_CAP ? page.next : null;
  }
  return { tickets, capped };
}
