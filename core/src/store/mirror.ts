import { ownerValueSharing } from '../domain/shared-owner-values.ts';
import type { AccountRecord, OwnerValue, PersonRecord, SystemId } from '../domain/types.ts';
import { chunksOf } from '../engine/chunks.ts';
import type { SqlValue } from './sql-db.ts';
import { StoreModule } from './store-db.ts';

/** The cursors row of what is no one system's. */
const PLAN_BASIS_SYSTEM = '*';

/**
 * The mirror of the vendors: every account record each system holds (an incremental read
 * is merged over it), the people last read from each system, and each system's cursors.
 */
export class Mirror extends StoreModule {
  getCursor(system: SystemId, kind = 'accounts'): string | null {
    const row = this.sql('SELECT cursor FROM cursors WHERE system = ? AND kind = ?').get(system, kind) as
      | { cursor: string }
      | undefined;
    return row?.cursor ?? null;
  }

  setCursor(system: SystemId, kind: string, cursor: string): void {
    this.sql(
      `INSERT INTO cursors (system, kind, cursor, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (system, kind) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
    ).run(system, kind, cursor, this.iso());
  }

  /**
   * What the read model and the baselines were last settled from (the config and the people,
   * as a fingerprint), or null while the mirror holds reads no completed run recorded: a
   * run may decide only the accounts touched since then when this matches its own.
   */
  planBasis(): string | null {
    return this.getCursor(PLAN_BASIS_SYSTEM, 'plan-basis');
  }

  setPlanBasis(basis: string | null): void {
    if (basis === null)
      this.sql('DELETE FROM cursors WHERE system = ? AND kind = ?').run(PLAN_BASIS_SYSTEM, 'plan-basis');
    else this.setCursor(PLAN_BASIS_SYSTEM, 'plan-basis', basis);
  }

  clearCursors(): void {
    this.sql('DELETE FROM cursors').run();
  }

  /**
   * Records read again, merged into the mirror; with `linkKeys`, their link keys replace the
   * ones they had. Without, the link keys no longer stand for the mirror (until reindexed).
   * `readMark` names the full read returning them (see keepOnly).
   */
  upsertAccounts(records: AccountRecord[], linkKeys?: LinkKeysOf, readMark?: string): void {
    const upsert = `INSERT INTO accounts (system, id, name, modified_at, record, read_mark) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (system, id) DO UPDATE SET name = excluded.name, modified_at = excluded.modified_at,
         record = excluded.record, read_mark = excluded.read_mark`;
    this.transaction(() => {
      this.insertAll(upsert, rowsOf(records, readMark ?? null));
      if (!linkKeys) return this.setLinkKeysBasis(null);
      for (const [system, ids] of idsBySystem(records))
        for (const chunk of chunksOf(ids))
          this.sql(`DELETE FROM link_keys WHERE system = ? AND record_id IN (${this.dialect.jsonTextList})`).run(
            system,
            JSON.stringify(chunk),
          );
      this.insertAll(INSERT_LINK_KEY, linkKeyRows(records, linkKeys));
    });
  }

  /**
   * After a full read written page by page (each page upserted with the read's `readMark`):
   * the system's records it did not return are deleted, with their link keys. Found in SQL,
   * so a run never holds the ids of a million records read.
   */
  keepOnly(system: SystemId, readMark: string): void {
    const gone = 'system = ? AND (read_mark IS NULL OR read_mark <> ?)';
    this.transaction(() => {
      this.sql(`DELETE FROM link_keys WHERE system = ? AND record_id IN (SELECT id FROM accounts WHERE ${gone})`).run(
        system,
        system,
        readMark,
      );
      this.sql(`DELETE FROM accounts WHERE ${gone}`).run(system, readMark);
    });
  }

  /**
   * Every mirrored record, in (system, id) order, a page at a time (memory stays a page);
   * with `unplanned`, those already in a planned part (PlanScratch.markPlanned) are left out.
   * Read lazily: what is marked planned while a page is used is left out of the later pages.
   */
  *pages(size = 2_000, options: { unplanned?: boolean } = {}): Generator<AccountRecord[]> {
    // One system at a time, so each page is an index range (an OR over two columns is a scan).
    const unplanned = options.unplanned
      ? 'AND NOT EXISTS (SELECT 1 FROM planned_records p WHERE p.system = a.system AND p.record_id = a.id)'
      : '';
    const page = this.sql(
      `SELECT a.id, a.record FROM accounts a WHERE a.system = ? AND a.id > ? ${unplanned} ORDER BY a.id LIMIT ${size}`,
    );
    const systems = (
      this.sql('SELECT DISTINCT system FROM accounts ORDER BY system').all() as { system: string }[]
    ).map((r) => r.system);
    const share = ownerValueSharing();
    for (const system of systems) {
      let after = '';
      for (;;) {
        const rows = page.all(system, after) as { id: string; record: string }[];
        const last = rows.at(-1);
        if (!last) break;
        yield rows.map((r) => share(JSON.parse(r.record) as AccountRecord));
        after = last.id;
      }
    }
  }

  /** Mirrored records of one system by id; ids not mirrored are left out. */
  accountsById(system: SystemId, ids: string[]): AccountRecord[] {
    const share = ownerValueSharing();
    const records: AccountRecord[] = [];
    for (const chunk of chunksOf(ids)) {
      const rows = this.sql(
        `SELECT record FROM accounts WHERE system = ? AND id IN (${this.dialect.jsonTextList}) ORDER BY id`,
      ).all(system, JSON.stringify(chunk)) as { record: string }[];
      for (const row of rows) records.push(share(JSON.parse(row.record) as AccountRecord));
    }
    return records;
  }

  /** Mirrored records by ref (`<system>:<id>`); refs not mirrored are left out. */
  accountsByRef(refs: Iterable<string>): AccountRecord[] {
    return [...idsByRef(refs)].flatMap(([system, ids]) => this.accountsById(system, ids));
  }

  /** How many records the mirror holds, of every system. */
  countAccounts(): number {
    return Number((this.sql('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n);
  }

  /** For which link rules the link keys were built (a hash), or null when they do not stand for the mirror. */
  linkKeysBasis(): string | null {
    return this.getCursor(PLAN_BASIS_SYSTEM, 'link-keys');
  }

  private setLinkKeysBasis(basis: string | null): void {
    if (basis === null)
      this.sql('DELETE FROM cursors WHERE system = ? AND kind = ?').run(PLAN_BASIS_SYSTEM, 'link-keys');
    else this.setCursor(PLAN_BASIS_SYSTEM, 'link-keys', basis);
  }

  /**
   * Every record's link keys built again from the mirror (after the link rules changed, or
   * the first time), a page of records at a time so memory stays flat, in one transaction.
   */
  reindexLinkKeys(linkKeys: LinkKeysOf, basis: string): void {
    this.transaction(() => {
      this.sql('DELETE FROM link_keys').run();
      for (const page of this.pages()) this.insertAll(INSERT_LINK_KEY, linkKeyRows(page, linkKeys));
      this.setLinkKeysBasis(basis);
    });
  }

  /** The refs of the records holding any of `keys` (as the link keys were last written). */
  linkKeyHolders(keys: Iterable<string>): string[] {
    const refs: string[] = [];
    for (const chunk of chunksOf(keys)) {
      const rows = this.sql(
        `SELECT system, record_id FROM link_keys WHERE link_key IN (${this.dialect.jsonTextList})`,
      ).all(JSON.stringify(chunk)) as { system: string; record_id: string }[];
      for (const row of rows) refs.push(`${row.system}:${row.record_id}`);
    }
    return refs;
  }

  /** The link keys of these records (refs), as last written. */
  storedLinkKeys(refs: Iterable<string>): string[] {
    const keys: string[] = [];
    for (const [system, ids] of idsByRef(refs)) {
      for (const chunk of chunksOf(ids)) {
        const rows = this.sql(
          `SELECT link_key FROM link_keys WHERE system = ? AND record_id IN (${this.dialect.jsonTextList})`,
        ).all(system, JSON.stringify(chunk)) as { link_key: string }[];
        for (const row of rows) keys.push(row.link_key);
      }
    }
    return keys;
  }

  loadAccounts(system?: SystemId): AccountRecord[] {
    const rows = system
      ? this.sql('SELECT record FROM accounts WHERE system = ? ORDER BY id').iterate(system)
      : this.sql('SELECT record FROM accounts ORDER BY system, id').iterate();
    // Row by row, role values shared: the whole result set as strings, or one object per
    // role value, would double the memory of a large mirror.
    const share = ownerValueSharing();
    const records: AccountRecord[] = [];
    for (const row of rows as Iterable<{ record: string }>)
      records.push(share(JSON.parse(row.record) as AccountRecord));
    return records;
  }

  /** After a successful write the mirror shows what spoc wrote, until the vendor says otherwise. */
  applyWrittenValues(system: SystemId, recordId: string, role: string, value: OwnerValue): void {
    this.applyWrittenValuesMany(system, [{ recordId, role, value }]);
  }

  /** applyWrittenValues for a whole written batch in one transaction (one commit, not one per record). */
  applyWrittenValuesMany(system: SystemId, written: { recordId: string; role: string; value: OwnerValue }[]): void {
    const select = this.sql('SELECT record FROM accounts WHERE system = ? AND id = ?');
    const update = this.sql('UPDATE accounts SET record = ? WHERE system = ? AND id = ?');
    this.transaction(() => {
      for (const w of written) {
        const row = select.get(system, w.recordId) as { record: string } | undefined;
        // A record not mirrored yet will arrive with the vendor's value on the next read.
        if (!row) continue;
        const record = JSON.parse(row.record) as AccountRecord;
        record.roles[w.role] = w.value;
        update.run(JSON.stringify(record), system, w.recordId);
      }
    });
  }

  /** The people last read from a system, and when; undefined when never read or invalidated. */
  cachedPeople(system: SystemId): { readAt: string; records: PersonRecord[] } | undefined {
    const row = this.sql('SELECT read_at, records FROM people_cache WHERE system = ?').get(system) as
      | { read_at: string; records: string }
      | undefined;
    return row ? { readAt: row.read_at, records: JSON.parse(row.records) as PersonRecord[] } : undefined;
  }

  cachePeople(system: SystemId, readAt: Date, records: PersonRecord[]): void {
    this.sql(
      `INSERT INTO people_cache (system, read_at, records) VALUES (?, ?, ?)
       ON CONFLICT (system) DO UPDATE SET read_at = excluded.read_at, records = excluded.records`,
    ).run(system, readAt.toISOString(), JSON.stringify(records));
  }

  /** The next run reads this system's people again (e.g. after a write it refused). */
  forgetPeople(system: SystemId): void {
    this.sql('DELETE FROM people_cache WHERE system = ?').run(system);
  }
}

/** A record's link keys (`<rule>:<key>`), as the engine derives them from the config's link rules. */
export type LinkKeysOf = (record: AccountRecord) => string[];

const INSERT_LINK_KEY = 'INSERT INTO link_keys (link_key, system, record_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING';

function* linkKeyRows(records: Iterable<AccountRecord>, linkKeys: LinkKeysOf): Iterable<SqlValue[]> {
  for (const r of records) for (const key of linkKeys(r)) yield [key, r.system, r.id];
}

function idsBySystem(records: Iterable<{ system: SystemId; id: string }>): Map<SystemId, string[]> {
  const out = new Map<SystemId, string[]>();
  for (const r of records) {
    const ids = out.get(r.system) ?? [];
    ids.push(r.id);
    out.set(r.system, ids);
  }
  return out;
}

/** `<system>:<id>` refs by system (a system id holds no colon; a record id may). */
export function idsByRef(refs: Iterable<string>): Map<SystemId, string[]> {
  const out = new Map<SystemId, string[]>();
  for (const ref of refs) {
    const at = ref.indexOf(':');
    if (at <= 0) continue;
    const system = ref.slice(0, at);
    const ids = out.get(system) ?? [];
    ids.push(ref.slice(at + 1));
    out.set(system, ids);
  }
  return out;
}

function* rowsOf(records: Iterable<AccountRecord>, readMark: string | null): Iterable<SqlValue[]> {
  for (const r of records) yield [r.system, r.id, r.name, r.modifiedAt, JSON.stringify(r), readMark];
}
