import type {
  AccountPage,
  AccountRecord,
  AssignmentWrite,
  CascadeKind,
  CascadeMove,
  CascadePreview,
  CascadeRequest,
  CascadeResult,
  ChangeAuthor,
  ChangeQuery,
  CheckResult,
  Connector,
  PersonRecord,
  WriteResult,
} from '../connector.ts';

/**
 * A vendor in memory, for tests that need real sync runs: it hands out its people and
 * accounts and applies writes, with no HTTP in between. Every read returns every
 * account (a valid, if lazy, incremental read).
 */
export class MemoryConnector implements Connector {
  readonly system: string;
  readonly people: PersonRecord[];
  readonly accounts: Map<string, AccountRecord>;
  readonly fields: Record<string, 'id' | 'email'>;
  readonly written: AssignmentWrite[] = [];
  /** Times the people were listed. */
  peopleReads = 0;
  /** Record ids whose writes the vendor refuses (e.g. an owner who left). */
  readonly refuse = new Set<string>();
  /** Contacts by id: each belongs to one account and has an owner (the contact cascade moves them). */
  readonly contacts = new Map<string, { accountId: string; ownerId: string | null }>();
  /** Tickets by id: of one account, assigned to someone, open or solved (the handover moves open ones). */
  readonly tickets = new Map<string, { accountId: string; assigneeId: string | null; open: boolean }>();
  readonly cascades: readonly CascadeKind[] = ['contacts', 'openTickets'];
  /** Contact and ticket moves applied, in order. */
  readonly moved: CascadeMove[] = [];
  /** Called before each contact move is applied (a test can stop the run there). */
  beforeMove: (move: CascadeMove) => void = () => {};
  /** Who last changed a record's role field (`recordId/role`), as a vendor's field history says. */
  readonly changedBy = new Map<string, Omit<ChangeAuthor, 'recordId' | 'role'>>();
  /** The whoChanged questions asked, one array per call. */
  readonly askedWhoChanged: ChangeQuery[][] = [];

  constructor(
    system: string,
    people: PersonRecord[],
    accounts: AccountRecord[],
    fields: Record<string, 'id' | 'email'>,
  ) {
    this.system = system;
    this.people = people;
    this.accounts = new Map(accounts.map((a) => [a.id, structuredClone(a)]));
    this.fields = fields;
  }

  async check(): Promise<CheckResult> {
    return { ok: true, problems: [] };
  }

  async *listPeople(): AsyncIterable<PersonRecord[]> {
    this.peopleReads++;
    yield this.people;
  }

  /**
   * Whether an incremental read returns only the records changed since its cursor (edited
   * through `edit`, or written), as the vendors' modified-since reads do; else every read
   * returns every record.
   */
  incrementalReads = false;
  private clock = 0;
  private readonly stamps = new Map<string, number>();

  /** Changes a record as a user in the vendor would: an incremental read sees it. */
  edit(id: string, change: (record: AccountRecord) => void): void {
    const account = this.accounts.get(id);
    if (!account) throw new Error(`${this.system} has no account ${id}`);
    change(account);
    this.stamps.set(id, ++this.clock);
  }

  /** Records a page of readAccounts holds (a vendor's page size); all of them in one page by default. */
  pageSize = Number.POSITIVE_INFINITY;

  async *readAccounts(query: { since: string | null } = { since: null }): AsyncIterable<AccountPage> {
    const since = query.since === null || !this.incrementalReads ? -1 : Number(query.since);
    const cursor = String(this.clock);
    let page: AccountRecord[] = [];
    for (const a of this.accounts.values()) {
      if (this.incrementalReads && (this.stamps.get(a.id) ?? 0) <= since) continue;
      page.push(structuredClone(a));
      if (page.length >= this.pageSize) {
        yield { records: page, cursor };
        page = [];
      }
    }
    if (page.length > 0 || !Number.isFinite(this.pageSize)) yield { records: page, cursor };
  }

  async writeAssignments(writes: AssignmentWrite[]): Promise<WriteResult[]> {
    return writes.map((w) => {
      const account = this.accounts.get(w.recordId);
      if (this.refuse.has(w.recordId)) {
        return {
          recordId: w.recordId,
          role: w.role,
          ok: false,
          error: { code: 'INACTIVE_OWNER', kind: 'vendor', message: 'owner is inactive' },
        };
      }
      if (!account)
        return {
          recordId: w.recordId,
          role: w.role,
          ok: false,
          error: { code: 'NOT_FOUND', kind: 'vendor', message: 'no such record' },
        };
      account.roles[w.role] = this.fields[w.role] === 'email' ? { email: w.to.email } : { id: w.to.id };
      this.stamps.set(w.recordId, ++this.clock);
      this.written.push(w);
      return { recordId: w.recordId, role: w.role, ok: true };
    });
  }

  async previewCascade(requests: CascadeRequest[]): Promise<CascadePreview> {
    const moves: CascadeMove[] = [];
    for (const r of requests) {
      if (r.kind === 'contacts') {
        for (const [id, c] of this.contacts) {
          if (c.accountId === r.accountRecordId && c.ownerId !== r.toId)
            moves.push({ kind: 'contacts', accountRecordId: r.accountRecordId, id, toId: r.toId });
        }
        continue;
      }
      for (const [id, t] of this.tickets) {
        if (t.accountId === r.accountRecordId && t.open && r.fromId !== null && t.assigneeId === r.fromId)
          moves.push({ kind: 'openTickets', accountRecordId: r.accountRecordId, id, toId: r.toId });
      }
    }
    return { moves, problems: [] };
  }

  async applyCascade(moves: CascadeMove[]): Promise<CascadeResult[]> {
    const results = new Map<string, CascadeResult>();
    for (const move of moves) {
      this.beforeMove(move);
      const result = results.get(move.accountRecordId) ?? {
        accountRecordId: move.accountRecordId,
        updated: 0,
        failed: [],
      };
      results.set(move.accountRecordId, result);
      if (move.kind === 'contacts') {
        const contact = this.contacts.get(move.id);
        if (!contact) continue;
        contact.ownerId = move.toId;
      } else {
        const ticket = this.tickets.get(move.id);
        if (!ticket) continue;
        ticket.assigneeId = move.toId;
      }
      this.moved.push(move);
      result.updated++;
    }
    return [...results.values()];
  }

  async countCascadeScope(kind: CascadeKind): Promise<number> {
    return kind === 'contacts' ? this.contacts.size : [...this.tickets.values()].filter((t) => t.open).length;
  }

  async whoChanged(requests: ChangeQuery[]): Promise<ChangeAuthor[]> {
    this.askedWhoChanged.push(requests);
    return requests.flatMap((q) => {
      const author = this.changedBy.get(`${q.recordId}/${q.role}`);
      return author ? [{ ...q, ...author }] : [];
    });
  }

  stats() {
    return { calls: 0, retries: 0, throttled: 0 };
  }
}
