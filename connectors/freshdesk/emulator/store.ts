import type { VendorRecord } from '@spoc/sandbox/kit';

export type Row = Record<string, unknown> & { id: number };

/** A Freshdesk seed: records in the API's own shapes (see seed.ts for the generated one). */
export interface FreshdeskSeed {
  /** { id, deactivated?, contact: { email, name, active }, … } */
  agents: VendorRecord[];
  /** { id, name, domains, custom_fields, created_at, updated_at } */
  companies: VendorRecord[];
  /** { id, name, label, type: custom_text|custom_dropdown|…, choices? } */
  company_fields: VendorRecord[];
  /** { id, company_id, responder_id, status: 2|3|4|5, subject, created_at, updated_at } */
  tickets: VendorRecord[];
  /** The plan's requests a minute (X-RateLimit-Total); default 200 (Growth). */
  rateLimitPerMinute?: number;
}

/** One collection: insertion order (page numbers index into it) plus lookup by id. */
export class Table {
  list: Row[] = [];
  byId = new Map<number, Row>();

  load(rows: VendorRecord[] | undefined): void {
    // Deep copies: the seed is never mutated, so reset() can always go back to it.
    this.list = (rows ?? []).map((r) => structuredClone({ ...r, id: Number(r.id) }) as Row);
    this.byId = new Map(this.list.map((r) => [r.id, r]));
  }
}

export interface Job {
  id: string;
  /** Sandbox-clock time the job was queued. */
  createdAt: number;
  data: { id: number; success: boolean; errors?: unknown }[];
}

/** The emulated Freshdesk account's data. */
export class FreshdeskStore {
  agents = new Table();
  companies = new Table();
  tickets = new Table();
  fields: VendorRecord[] = [];
  jobs = new Map<string, Job>();
  /** Tickets by company_id, for the list's company filter. */
  ticketsByCompany = new Map<number, Row[]>();
  private nextJob = 1;
  private readonly seed: FreshdeskSeed | undefined;

  constructor(seed: FreshdeskSeed | undefined) {
    this.seed = seed;
    this.reset();
  }

  reset(): void {
    this.agents.load(this.seed?.agents);
    this.companies.load(this.seed?.companies);
    this.tickets.load(this.seed?.tickets);
    this.fields = structuredClone(this.seed?.company_fields ?? []);
    this.jobs.clear();
    this.ticketsByCompany.clear();
    for (const t of this.tickets.list) {
      const id = Number(t.company_id);
      if (t.company_id == null) continue;
      this.ticketsByCompany.set(id, [...(this.ticketsByCompany.get(id) ?? []), t]);
    }
    this.nextJob = 1;
  }

  newJobId(): string {
    return `fd-job-${(this.nextJob++).toString(16).padStart(8, '0')}`;
  }

  /** A ticket can be assigned to an agent who is not deactivated. */
  isAssignable(id: unknown): boolean {
    const agent = this.agents.byId.get(Number(id));
    return agent !== undefined && agent.deactivated !== true;
  }
}
