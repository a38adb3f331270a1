import { ownerValueSharing } from '../domain/shared-owner-values.ts';
import type { AccountRecord, OwnerValue, PersonRecord, SystemId } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
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

  upsertAccounts(records: AccountRecord[]): void {
    const upsert = `INSERT INTO accounts (system, id, name, modified_at, record) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (system, id) DO UPDATE SET name = excluded.name, modified_at = excluded.modified_at, record = excluded.record`;
    this.transaction(() => this.insertAll(upsert, rowsOf(records)));
  }

  /** A full read's result: the system's mirror becomes exactly these records. */
  replaceAccounts(system: SystemId, records: AccountRecord[]): void {
    const stray = records.find((r) => r.system !== system);
    if (stray) {
      // Deleting one system's mirror for another system's records would lose data.
      throw new SpocError(
        'vendor',
        'MIRROR_SYSTEM_MISMATCH',
        `replaceAccounts(${system}) was given a ${stray.system} record (${stray.id})`,
      );
    }
    this.transaction(() => {
      this.sql('DELETE FROM accounts WHERE system = ?').run(system);
      this.insertAll(
        'INSERT INTO accounts (system, id, name, modified_at, record) VALUES (?, ?, ?, ?, ?)',
        rowsOf(records),
      );
    });
  }

  /** Mirrored records of one system by id; ids not mirrored are left out. */
  accountsById(system: SystemId, ids: string[]): AccountRecord[] {
    const select = this.sql('SELECT record FROM accounts WHERE system = ? AND id = ?');
    return ids.flatMap((id) => {
      const row = select.get(system, id) as { record: string } | undefined;
      return row ? [JSON.parse(row.record) as AccountRecord] : [];
    });
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

function* rowsOf(records: Iterable<AccountRecord>): Iterable<SqlValue[]> {
  for (const r of records) yield [r.system, r.id, r.name, r.modifiedAt, JSON.stringify(r)];
}
