import type { Row } from './store.ts';

/** Status order Zendesk uses for `status<X` / `status>X` comparisons. */
const STATUS_ORDER = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];

export interface TicketQuery {
  /** false when the query asks for something other than tickets (no results). */
  tickets: boolean;
  organizationId: number | null;
  assigneeId: number | null;
  /** `assignee:none`. */
  unassigned: boolean;
  /** Allowed statuses, or null for any. */
  statuses: Set<string> | null;
}

/**
 * The search-query subset a connector needs: `type:ticket`, `organization:ID`,
 * `assignee:ID|none`, `status:X`, `status<X`, `status>X`. Other terms are ignored.
 */
export function parseTicketQuery(query: string): TicketQuery {
  const q: TicketQuery = { tickets: true, organizationId: null, assigneeId: null, unassigned: false, statuses: null };
  for (const term of query.split(/\s+/).filter(Boolean)) {
    const m = /^(\w+)([:<>]=?)"?([^"]+)"?$/.exec(term);
    if (!m) continue;
    const [, key = '', op = ':', value = ''] = m;
    if (key === 'type') q.tickets &&= value === 'ticket';
    else if (key === 'organization' || key === 'organization_id') q.organizationId = Number(value);
    else if (key === 'assignee' || key === 'assignee_id') {
      if (value === 'none') q.unassigned = true;
      else q.assigneeId = Number(value);
    } else if (key === 'status') q.statuses = intersect(q.statuses, statusesFor(op, value));
  }
  return q;
}

function statusesFor(op: string, value: string): Set<string> {
  const at = STATUS_ORDER.indexOf(value);
  if (at < 0) return new Set();
  if (op === ':') return new Set([value]);
  const keep = (i: number) =>
    op === '<' ? i < at : op === '<=' ? i <= at : op === '>' ? i > at : op === '>=' ? i >= at : i === at;
  return new Set(STATUS_ORDER.filter((_, i) => keep(i)));
}

function intersect(a: Set<string> | null, b: Set<string>): Set<string> {
  return a ? new Set([...a].filter((s) => b.has(s))) : b;
}

export function matchesTicket(q: TicketQuery, t: Row): boolean {
  if (!q.tickets) return false;
  if (q.organizationId !== null && Number(t.organization_id) !== q.organizationId) return false;
  if (q.unassigned && t.assignee_id != null) return false;
  if (q.assigneeId !== null && Number(t.assignee_id) !== q.assigneeId) return false;
  return q.statuses === null || q.statuses.has(String(t.status));
}
