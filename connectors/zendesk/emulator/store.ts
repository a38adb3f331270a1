import type { VendorRecord, ZendeskSeed } from '@spoc/sandbox/kit';
import { TicketSearchIndex } from './search-index.ts';

export type Row = Record<string, unknown> & { id: number };

/** One Zendesk collection: insertion order (the cursor is an index into it) plus O(1) lookup by id. */
export class Table {
  list: Row[] = [];
  byId = new Map<number, Row>();

  load(rows: VendorRecord[] | undefined): void {
    // Deep copies: the seed is never mutated, so reset() can always go back to it.
    this.list = (rows ?? []).map((r) => structuredClone({ ...r, id: Number(r.id) }) as Row);
    this.byId = new Map(this.list.map((r) => [r.id, r]));
  }

  add(row: Row): void {
    this.list.push(row);
    this.byId.set(row.id, row);
  }
}

export interface Job {
  id: string;
  /** Sandbox-clock time the job was queued. */
  createdAt: number;
  /** Sandbox-clock milliseconds from queued to its end. */
  durationMs: number;
  total: number;
  /** Results of the records it processes (all of them unless it ends failed or killed). */
  results: Record<string, unknown>[];
  /** How it ends. */
  final: 'completed' | 'failed' | 'killed';
}

/** Organizations in incremental-export order: by updated_at second, then id. */
export interface ExportOrder {
  rows: Row[];
  seconds: number[];
}

/** The emulated Zendesk account's data. */
export class ZendeskStore {
  users = new Table();
  organizations = new Table();
  tickets = new Table();
  fields: VendorRecord[] = [];
  jobs = new Map<string, Job>();
  /** Each organization's tickets, kept current on writes (the organization's ticket list). */
  ticketsByOrg = new Map<number, Set<Row>>();
  /** Tickets as search sees them: behind the writes. */
  search = new TicketSearchIndex();
  private exportOrder: ExportOrder | null = null;
  private nextId = 80_000_000;
  private readonly seed: ZendeskSeed | undefined;

  constructor(seed: ZendeskSeed | undefined) {
    this.seed = seed;
    this.reset();
  }

  reset(): void {
    this.users.load(this.seed?.users);
    this.organizations.load(this.seed?.organizations);
    this.tickets.load(this.seed?.tickets);
    this.fields = structuredClone(this.seed?.organization_fields ?? []);
    this.jobs.clear();
    this.ticketsByOrg.clear();
    for (const t of this.tickets.list) this.indexTicket(t);
    this.search.load(this.tickets.list);
    this.exportOrder = null;
    this.nextId = 80_000_000;
  }

  newId(): number {
    return this.nextId++;
  }

  /** Agents and admins can hold tickets and be a user lookup field's value; end-users cannot. */
  isAgent(id: unknown): boolean {
    const user = this.users.byId.get(Number(id));
    return user !== undefined && (user.role === 'agent' || user.role === 'admin');
  }

  addOrganization(row: Row): void {
    this.organizations.add(row);
    this.exportOrder = null;
  }

  /** Call after changing an organization's updated_at: the export order is rebuilt lazily. */
  organizationTouched(): void {
    this.exportOrder = null;
  }

  /** Sorted once per change batch, not once per export page. */
  organizationsInExportOrder(): ExportOrder {
    if (!this.exportOrder) {
      const keyed = this.organizations.list.map((row) => ({ row, t: seconds(row.updated_at) }));
      keyed.sort((a, b) => a.t - b.t || a.row.id - b.row.id);
      this.exportOrder = { rows: keyed.map((k) => k.row), seconds: keyed.map((k) => k.t) };
    }
    return this.exportOrder;
  }

  addTicket(row: Row, now: number): void {
    this.tickets.add(row);
    this.indexTicket(row);
    this.search.changed(row, now);
  }

  /** Call once a ticket's changes are made: search sees them later. */
  ticketChanged(row: Row, now: number): void {
    this.search.changed(row, now);
  }

  /** An organization's tickets in id order (live, not the search index). */
  organizationTickets(orgId: number): Row[] {
    return [...(this.ticketsByOrg.get(orgId) ?? [])].sort((a, b) => a.id - b.id);
  }

  setTicketField(ticket: Row, key: string, value: unknown): void {
    this.unindexTicket(ticket);
    ticket[key] = value;
    this.indexTicket(ticket);
  }

  private indexTicket(t: Row): void {
    addTo(this.ticketsByOrg, t.organization_id, t);
  }

  private unindexTicket(t: Row): void {
    if (t.organization_id != null) this.ticketsByOrg.get(Number(t.organization_id))?.delete(t);
  }
}

function addTo(index: Map<number, Set<Row>>, key: unknown, row: Row): void {
  if (key == null) return;
  const id = Number(key);
  let set = index.get(id);
  if (!set) {
    set = new Set();
    index.set(id, set);
  }
  set.add(row);
}

/** Unix seconds of an ISO timestamp (0 when absent or unparsable). */
export function seconds(iso: unknown): number {
  const ms = Date.parse(String(iso));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
}
