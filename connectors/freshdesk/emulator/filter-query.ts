import type { Row } from './store.ts';

/**
 * The filter API's query language, as far as spoc uses it: `"a:1 OR a:2"`, `"x:1 AND
 * (a:1 OR a:2)"`, wrapped in double quotes (https://developers.freshdesk.com/api/#filter_tickets).
 * Conjunctions of disjunctions of `field:value` terms; numbers compare as numbers.
 */
export type TicketQuery = { field: string; value: string }[][];

/** Filter fields and the ticket attribute each one reads (agent_id is the responder). */
const FIELDS: Record<string, string> = {
  status: 'status',
  agent_id: 'responder_id',
  group_id: 'group_id',
  priority: 'priority',
  type: 'type',
};

export function parseTicketQuery(raw: string): TicketQuery | { problem: string } {
  const q = raw.trim();
  if (q.length < 2 || !q.startsWith('"') || !q.endsWith('"'))
    return { problem: 'Query should be enclosed in double quotes' };
  const inner = q.slice(1, -1).trim();
  if (inner === '') return { problem: 'Query cannot be empty' };
  const query: TicketQuery = [];
  for (const part of inner.split(/\s+AND\s+/)) {
    const terms = part.replace(/^\(|\)$/g, '').split(/\s+OR\s+/);
    const group: { field: string; value: string }[] = [];
    for (const term of terms) {
      const m = /^([a-z_]+):'?([^']*)'?$/.exec(term.trim());
      if (!m?.[1] || !(m[1] in FIELDS)) return { problem: `${term.trim()} is not a supported filter term` };
      group.push({ field: FIELDS[m[1]] as string, value: m[2] ?? '' });
    }
    query.push(group);
  }
  return query;
}

export function matchesTicket(query: TicketQuery, ticket: Row): boolean {
  return query.every((group) =>
    group.some((t) => (t.value === 'null' ? ticket[t.field] == null : String(ticket[t.field]) === t.value)),
  );
}
