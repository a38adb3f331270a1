import type { CascadeMove, CascadePreview, CascadeRequest } from '@spoc/core/connector';
import type { FreshdeskApi } from './api.ts';
import { arrayOf, companyTickets, HANDOVER_STATUSES, OPEN_TICKET_COUNT, searchTotal, toTicket } from './mapping.ts';

/** The ticket list answers at most 300 pages (https://developers.freshdesk.com/api/#list_all_tickets). */
const MAX_PAGES = 300;

/**
 * Reads only: the open and pending tickets the previous POC holds in each company, to
 * move to the new POC. Each company's tickets are listed once (the list endpoint, exact
 * and current, rather than the filter API, whose index lags and which stops at 300
 * results), then kept to those still held by the previous POC: a resolved or closed
 * ticket, one held by someone else, or one already with the new POC is never listed.
 */
export async function previewTickets(
  api: FreshdeskApi,
  requests: CascadeRequest[],
  signal?: AbortSignal,
): Promise<CascadePreview> {
  // Per company, previous POC → new POC (two roles handing one person's tickets to two people: the first wins).
  const byCompany = new Map<string, Map<string, string>>();
  for (const r of requests) {
    if (r.kind !== 'openTickets' || r.fromId === null || r.fromId === r.toId) continue;
    const handovers = byCompany.get(r.accountRecordId) ?? new Map<string, string>();
    if (!handovers.has(r.fromId)) handovers.set(r.fromId, r.toId);
    byCompany.set(r.accountRecordId, handovers);
  }
  const preview: CascadePreview = { moves: [], problems: [] };
  for (const [companyId, handovers] of byCompany) {
    let pages = 0;
    const seen = new Set<string>();
    for await (const reply of api.pages(companyTickets(companyId), signal)) {
      pages++;
      for (const raw of arrayOf(reply.body, 'tickets')) {
        const t = toTicket(raw);
        if (!t || seen.has(t.id) || !HANDOVER_STATUSES.includes(t.status) || t.responderId === null) continue;
        const toId = handovers.get(t.responderId);
        if (toId === undefined) continue;
        seen.add(t.id);
        preview.moves.push({ kind: 'openTickets', accountRecordId: companyId, id: t.id, toId } satisfies CascadeMove);
      }
      if (pages >= MAX_PAGES && reply.next) {
        preview.problems.push({
          accountRecordId: companyId,
          code: 'TICKET_LIST_CAP',
          message: `over ${MAX_PAGES * 100} tickets: only those on the first ${MAX_PAGES} pages are handed over`,
        });
        break;
      }
    }
  }
  return preview;
}

/** Every open and pending ticket of the account, in one filter call (its `total`). */
export async function countOpenTickets(api: FreshdeskApi, signal?: AbortSignal): Promise<number> {
  return searchTotal((await api.get(OPEN_TICKET_COUNT, signal)).body);
}
