import type { ChangeReason, SystemId } from '../domain/types.ts';
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

/** Who owned each account and role in each system, and when: the transitions, oldest first. */
export class OwnershipHistory extends StoreModule {
  /** Appends the rows whose value differs from the latest one for that (account, role, system). */
  record(rows: OwnershipRow[]): void {
    const latest = this.sql(
      'SELECT email, value FROM ownership WHERE account = ? AND role = ? AND system = ? ORDER BY seq DESC LIMIT 1',
    );
    const insert = this.sql(
      'INSERT INTO ownership (account, role, system, record_id, email, value, run_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.transaction(() => {
      for (const r of rows) {
        const last = latest.get(r.account, r.role, r.system) as
          | { email: string | null; value: string | null }
          | undefined;
        if (last && last.email === r.email && last.value === (r.value ?? null)) continue;
        insert.run(r.account, r.role, r.system, r.recordId, r.email, r.value ?? null, r.runId, r.reason, r.at);
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
