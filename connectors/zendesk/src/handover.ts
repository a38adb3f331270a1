import {
  type CascadeMove,
  type CascadePreview,
  type CascadeRequest,
  type CascadeResult,
  isSpocError,
  type RecordOutcome,
} from '@spoc/core';
import type { Logger } from 'pino';
import type { Page, ZendeskUri } from './http.ts';
import { allFailed } from './jobs.ts';
import {
  openTicketCount,
  searchPage,
  ticketSearch,
  ticketsHeldBy,
  ticketsReassign,
  toOpenTicket,
  UNSOLVED,
} from './mapping.ts';

/** Zendesk search returns at most 1,000 results (10 pages of 100); asking for more is a 422. */
const SEARCH_CAP = 1000;
const BATCH = 100;

export interface HandoverDeps {
  get: (uri: ZendeskUri) => Promise<Page<unknown>>;
  bulk: (uri: ZendeskUri, body: object, ids: string[]) => Promise<Map<string, RecordOutcome>>;
  logger: Logger;
}

type OpenTicket = NonNullable<ReturnType<typeof toOpenTicket>>;

/**
 * Reads only: the unsolved tickets the previous POC holds in each organization, to move
 * to the new POC. One search per previous POC (not per organization), kept to the
 * organizations they hand over; per-organization searches only when that search hits
 * Zendesk's 1,000 cap. Search indexes lag behind edits, so assignee and status are
 * checked again on each result: a ticket someone else holds, or a solved/closed one, is
 * never listed. An organization still over the cap is a problem of the preview.
 */
export async function previewTickets(deps: HandoverDeps, requests: CascadeRequest[]): Promise<CascadePreview> {
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
    let found = await searchTickets(deps, only ? ticketSearch(only, fromId) : ticketsHeldBy(fromId));
    if (found.capped) {
      const perOrg = only
        ? [found]
        : await Promise.all([...orgs.keys()].map((org) => searchTickets(deps, ticketSearch(org, fromId))));
      found = { tickets: perOrg.flatMap((s) => s.tickets), capped: false };
      [...orgs.keys()].forEach((org, i) => {
        if (!perOrg[i]?.capped) return;
        deps.logger.warn({ org, fromId }, 'over 1,000 open tickets: only the first 1,000 can be handed over');
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

/**
 * Writes the moves: tickets going to one assignee together, 100 an update_many job. One
 * result per organization, in the order organizations first appear. An auth error stops
 * (thrown); any other failure of a job fails its tickets and the others go on.
 */
export async function applyTicketMoves(deps: HandoverDeps, moves: CascadeMove[]): Promise<CascadeResult[]> {
  const results = new Map<string, CascadeResult>();
  const byTarget = new Map<string, CascadeMove[]>();
  for (const m of moves) {
    if (m.kind !== 'openTickets') continue;
    if (!results.has(m.accountRecordId))
      results.set(m.accountRecordId, { accountRecordId: m.accountRecordId, updated: 0, failed: [] });
    byTarget.set(m.toId, [...(byTarget.get(m.toId) ?? []), m]);
  }
  for (const [toId, list] of byTarget) {
    for (let i = 0; i < list.length; i += BATCH) {
      const chunk = list.slice(i, i + BATCH);
      const ids = chunk.map((t) => t.id);
      const { uri, body } = ticketsReassign(ids, toId);
      let outcome: Map<string, RecordOutcome>;
      try {
        outcome = await deps.bulk(uri, body, ids);
      } catch (error) {
        if (isSpocError(error) && error.kind === 'auth') throw error;
        outcome = allFailed(ids, error);
      }
      for (const t of chunk) {
        const result = results.get(t.accountRecordId);
        const o = outcome.get(t.id) ?? { ok: false, code: 'NO_RESULT', message: 'not moved' };
        if (!result) continue;
        if (o.ok) result.updated++;
        else result.failed.push({ id: t.id, error: { code: o.code, kind: 'record', message: o.message } });
      }
    }
  }
  return [...results.values()];
}

/** Every unsolved ticket of the account, in one search call (its `count`). */
export async function countOpenTickets(deps: HandoverDeps): Promise<number> {
  const page = searchPage((await deps.get(['search', `?query=${encodeURIComponent(openTicketCount())}`])).result);
  return page.count ?? page.results.length;
}

/** All results of one ticket search (following next_page), and whether the 1,000 cap cut it short. */
async function searchTickets(deps: HandoverDeps, query: string): Promise<{ tickets: OpenTicket[]; capped: boolean }> {
  const tickets: OpenTicket[] = [];
  let seen = 0;
  let capped = false;
  let next: ZendeskUri | null = ['search', `?query=${encodeURIComponent(query)}`];
  while (next) {
    const page = searchPage((await deps.get(next)).result);
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
