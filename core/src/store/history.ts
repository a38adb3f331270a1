import type { ChangeReason, SystemId } from '../domain/types.ts';
import type { SqlValue } from './sql-db.ts';
import { StoreModule } from './store-db.ts';

/** `observed` (seen in the vendor), `written` or the change reason spoc wrote it for. */
export type OwnershipReason = 'observed' | 'written' | ChangeReason;

export interface OwnershipRow {
  account: string;
  role: string;
  system: SystemId;
  recordId: string;
  email: string | null;
  /** What the field held when it names no known person (text or id); absent otherwise. */
  value?: string;
  runId: string;
  reason: OwnershipReason;
  at: string;
}

const HISTORY_CHUNK = 1_000;

interface LatestRow {
  account: string;
  role: string;
  system: string;
  email: string | null;
  value: string | null;
}

/** Who owned each account and role in each system, and when: the transitions, oldest first. */
export class OwnershipHistory extends StoreModule {
  /** Appends the rows whose value differs from the latest one for that (account, role, system). */
  record(rows: OwnershipRow[]): void {
    // The latest row of each key, read for a thousand rows' accounts at once.
    const latest = this.sql(
      `SELECT o.account, o.role, o.system, o.email, o.value FROM ownership o
       JOIN (SELECT account, role, system, MAX(seq) AS seq FROM ownership
             WHERE account IN (${this.dialect.jsonTextList}) GROUP BY account, role, system) m ON o.seq = m.seq`,
    );
    const insert =
      'INSERT INTO ownership (account, role, system, record_id, email, value, run_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
    const keyOf = (r: { account: string; role: string; system: string }) =>
      `${r.account}\u0000${r.role}\u0000${r.system}`;
    this.transaction(() => {
      for (let from = 0; from < rows.length; from += HISTORY_CHUNK) {
        const chunk = rows.slice(from, from + HISTORY_CHUNK);
        const accounts = [...new Set(chunk.map((r) => r.account))];
        const last = new Map<string, { email: string | null; value: string | null }>();
        for (const row of latest.all(JSON.stringify(accounts)) as unknown as LatestRow[]) last.set(keyOf(row), row);
        const added: SqlValue[][] = [];
        for (const r of chunk) {
          const key = keyOf(r);
          const before = last.get(key);
          const value = r.value ?? null;
          if (before && before.email === r.email && before.value === value) continue;
          last.set(key, { email: r.email, value });
          added.push([r.account, r.role, r.system, r.recordId, r.email, value, r.runId, r.reason, r.at]);
        }
        this.insertAll(insert, added);
      }
    });
  }

  forAccount(account: string): OwnershipRow[] {
    const rows = this.sql('SELECT * FROM ownership WHERE account = ? ORDER BY seq').all(account) as {
      account: string;
      role: string;
      system: SystemId;
      record_id: string;
      email: string | null;
      value: string | null;
      run_id: string;
      reason: OwnershipReason;
      at: string;
    }[];
    return rows.map((r) => ({
      account: r.account,
      role: r.role,
      system: r.system,
      recordId: r.record_id,
      email: r.email,
      ...(r.value === null ? {} : { value: r.value }),
      runId: r.run_id,
      reason: r.reason,
      at: r.at,
    }));
  }

  /**
   * Accounts an admin may mean by `query`: its account key, its name (any case), or the id
   * of one of its records in any of its forms (`referenceForms`, from the systems'
   * definitions), as the last sync saw them or as the history holds them. Each with its
   * name when known.
   */
  findAccounts(
    query: string,
    referenceForms: (id: string) => string[] = (id) => [id],
  ): { account: string; name: string | null }[] {
    const q = query.trim();
    const ids = [...new Set([q, ...referenceForms(q)])];
    const marks = ids.map(() => '?').join(', ');
    const known = this.sql(
      `SELECT DISTINCT account, name FROM account_roles
       WHERE account = ? OR ${this.dialect.equalsNocase('name')}
          OR account IN (SELECT account FROM account_role_systems WHERE record_id IN (${marks}))
       ORDER BY account LIMIT 50`,
    ).all(q, q, ...ids) as { account: string; name: string }[];
    const seen = new Map<string, string | null>(known.map((r) => [r.account, r.name]));
    const historic = this.sql(
      `SELECT DISTINCT account FROM ownership WHERE account = ? OR record_id IN (${marks}) ORDER BY account LIMIT 50`,
    ).all(q, ...ids) as { account: string }[];
    for (const r of historic) if (!seen.has(r.account)) seen.set(r.account, null);
    return [...seen].map(([account, name]) => ({ account, name }));
  }
}
