import type { Row } from './store.ts';

/**
 * What Zendesk search sees of tickets: a copy of each ticket as it was when last
 * indexed. A change reaches it only `lagMs` after it was made ("it can take a few
 * minutes for new or updated tickets to be indexed and appear in search results",
 * https://developer.zendesk.com/api-reference/ticketing/ticket-management/search/),
 * so a search shortly after an edit answers with the old ticket, or without a new one.
 */
export class TicketSearchIndex {
  private indexed = new Map<number, Row>();
  private byOrg = new Map<number, Set<number>>();
  private byAssignee = new Map<number, Set<number>>();
  /** The newest version of each changed ticket not yet indexed, and when it changed. */
  private pending = new Map<number, { row: Row; at: number }>();

  /** Seeded tickets are long indexed. */
  load(rows: Row[]): void {
    this.indexed.clear();
    this.byOrg.clear();
    this.byAssignee.clear();
    this.pending.clear();
    for (const row of rows) this.put(structuredClone(row));
  }

  changed(row: Row, at: number): void {
    this.pending.set(row.id, { row: structuredClone(row), at });
  }

  /** Indexes what changed at least `lagMs` before `now`. */
  refresh(now: number, lagMs: number): void {
    for (const [id, p] of this.pending) {
      if (p.at + lagMs > now) continue;
      this.put(p.row);
      this.pending.delete(id);
    }
  }

  /** Indexed tickets of an organization or assignee (the narrowest that applies), else every one. */
  candidates(organizationId: number | null, assigneeId: number | null): Iterable<Row> {
    const ids =
      organizationId !== null
        ? this.byOrg.get(organizationId)
        : assigneeId !== null
          ? this.byAssignee.get(assigneeId)
          : null;
    if (ids === null) return this.indexed.values();
    return [...(ids ?? [])].map((id) => this.indexed.get(id) as Row);
  }

  private put(row: Row): void {
    const old = this.indexed.get(row.id);
    if (old) {
      this.byOrg.get(Number(old.organization_id))?.delete(row.id);
      this.byAssignee.get(Number(old.assignee_id))?.delete(row.id);
    }
    this.indexed.set(row.id, row);
    addTo(this.byOrg, row.organization_id, row.id);
    addTo(this.byAssignee, row.assignee_id, row.id);
  }
}

function addTo(index: Map<number, Set<number>>, key: unknown, id: number): void {
  if (key == null) return;
  const k = Number(key);
  let set = index.get(k);
  if (!set) {
    set = new Set();
    index.set(k, set);
  }
  set.add(id);
}
