import type { VendorRecord, ZendeskSeed } from '../seed/types.ts';

export type Row = Record<string, unknown> & { id: number };

/** One Zendesk collection: insertion order plus O(1) lookup by id. */
export class Table {
  list: Row[] = [];
  byId = new Map<number, Row>();

  load(rows: VendorRecord[] | undefined): void {
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
  createdAt: number;
  total: number;
  results: Record<string, unknown>[];
  status: 'queued' | 'completed';
}

/** The emulated Zendesk account's data. */
export class ZendeskStore {
  users = new Table();
  organizations = new Table();
  tickets = new Table();
  fields: VendorRecord[] = [];
  jobs = new Map<string, Job>();
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
  }

  newId(): number {
    return this.nextId++;
  }

  /** Agents and admins can hold tickets and be a lookup field's value. */
  isAgent(id: unknown): boolean {
    const user = this.users.byId.get(Number(id));
    return user !== undefined && (user.role === 'agent' || user.role === 'admin');
  }
}
