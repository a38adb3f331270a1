import type {
  AccountPage,
  AccountRecord,
  AssignmentWrite,
  CheckResult,
  Connector,
  ConnectorStats,
  PersonRecord,
  WriteResult,
} from '@spoc/core/connector';

/**
 * A memory vendor of the memory world (crm decides; marketing and helpdesk link to it by
 * `crmid`) whose book is generated from the account number as it is read, so a million
 * accounts cost the benchmark's process nothing but the records edited or written. Reads
 * page 1,000 records; an incremental read returns what was edited or written since its
 * cursor, as a vendor's modified-since read does. No HTTP and no rate limits: a run
 * against it takes spoc's own time.
 */
export class GeneratedVendor implements Connector {
  readonly system: string;
  private readonly accounts: number;
  private readonly people: PersonRecord[];
  private readonly ownerOf: (n: number) => number;
  private readonly changed = new Map<number, AccountRecord>();
  private readonly stamps = new Map<number, number>();
  private clock = 0;
  private calls = 0;

  constructor(system: string, accounts: number, people: number, ownerOf: (n: number) => number) {
    this.system = system;
    this.accounts = accounts;
    this.ownerOf = ownerOf;
    this.people = Array.from({ length: people }, (_, p) => ({
      system,
      id: `${system}-${p}`,
      email: `p${p}@acme.test`,
      active: true,
      name: `Person ${p}`,
    }));
  }

  private id(n: number): string {
    return this.system === 'crm' ? `c${n}` : `${this.system}${n}`;
  }

  private numberOf(id: string): number {
    return Number(id.slice(this.system === 'crm' ? 1 : this.system.length));
  }

  private record(n: number): AccountRecord {
    const changed = this.changed.get(n);
    if (changed) return structuredClone(changed);
    return {
      system: this.system,
      id: this.id(n),
      name: `Customer ${n}`,
      domains: [],
      xrefs: this.system === 'crm' ? {} : { crmid: `c${n}` },
      roles: { owner: { id: `${this.system}-${this.ownerOf(n) % this.people.length}` } },
      modifiedAt: null,
    };
  }

  /** Account `n` changes hands to person `p`, as a user would in the vendor. */
  reown(n: number, p: number): void {
    const record = this.record(n);
    record.roles.owner = { id: `${this.system}-${p % this.people.length}` };
    this.changed.set(n, record);
    this.stamps.set(n, ++this.clock);
  }

  async check(): Promise<CheckResult> {
    return { ok: true, problems: [] };
  }

  async *listPeople(): AsyncIterable<PersonRecord[]> {
    this.calls++;
    yield this.people;
  }

  async *readAccounts(query: { since: string | null }): AsyncIterable<AccountPage> {
    const cursor = String(this.clock);
    if (query.since === null) {
      for (let from = 0; from < this.accounts; from += 1_000) {
        this.calls++;
        const records: AccountRecord[] = [];
        for (let n = from; n < Math.min(this.accounts, from + 1_000); n++) records.push(this.record(n));
        yield { records, cursor };
      }
      return;
    }
    const since = Number(query.since);
    const touched = [...this.stamps].filter(([, at]) => at > since).map(([n]) => n);
    for (let from = 0; from < touched.length || from === 0; from += 1_000) {
      this.calls++;
      yield { records: touched.slice(from, from + 1_000).map((n) => this.record(n)), cursor };
    }
  }

  async writeAssignments(writes: AssignmentWrite[]): Promise<WriteResult[]> {
    this.calls += Math.ceil(writes.length / 100);
    return writes.map((w) => {
      const n = this.numberOf(w.recordId);
      const record = this.record(n);
      record.roles[w.role] = { id: w.to.id };
      this.changed.set(n, record);
      this.stamps.set(n, ++this.clock);
      return { recordId: w.recordId, role: w.role, ok: true };
    });
  }

  stats(): ConnectorStats {
    return { calls: this.calls, retries: 0, throttled: 0 };
  }
}
