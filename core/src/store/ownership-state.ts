import type { PersonRecord, RoleStatus, SystemId } from '../domain/types.ts';
import { chunksOf } from '../engine/chunks.ts';
import type { Standing } from '../engine/directory.ts';
import type { Dialect, SqlValue } from './sql-db.ts';
import { StoreModule } from './store-db.ts';

/** One account and role as the latest sync left it: what each system holds and whether they agree. */
export interface AccountRoleRow {
  account: string;
  role: string;
  name: string;
  status: RoleStatus;
  /** The owner spoc decided, or null when nothing could be decided. */
  decided: string | null;
  /** The plan's issues for this account and role, in words. */
  detail: string | null;
  /** Per system holding a record of the account: its id and the owner's canonical email (null = empty or unknown). */
  systems: Record<SystemId, { recordId: string; owner: string | null }>;
  runId: string;
}

export interface PersonState {
  email: string;
  name: string | null;
  /** Per enabled system. */
  systems: Record<SystemId, { standing: Standing; id: string | null }>;
  /** The vendor user records behind this person, as last read (to plan a preview). */
  records: PersonRecord[];
}

/** The columns the accounts list sorts by. */
export const ACCOUNT_SORTS = ['name', 'role', 'status', 'decided'] as const;
export interface AccountSort {
  by: (typeof ACCOUNT_SORTS)[number];
  descending: boolean;
}
// Column expressions by sort key: never user text in the SQL.
const SORT_COLUMNS: Record<AccountSort['by'], (dialect: Dialect) => string> = {
  name: (d) => d.nocase('name'),
  role: () => 'role',
  status: () => 'status',
  decided: (d) => d.nocase('decided'),
};

export interface AccountFilter {
  status?: RoleStatus;
  role?: string;
  /** The decided owner or the owner any system holds (with `system`: the owner that system holds). */
  owner?: string;
  /** Accounts holding a record in this system. */
  system?: SystemId;
  /** Prefix of the account key or part of its name, case-insensitive. */
  search?: string;
}

export interface ConsistencyPoint {
  runId: string;
  startedAt: string;
  role: string;
  consistent: number;
  total: number;
}

/**
 * The console's read model, written once per sync: ownership per account and role
 * (post-run), the people directory, and consistency counts per run for the trend.
 * Paging and filtering run in the database so 100,000 accounts stay fast.
 */
export class OwnershipState extends StoreModule {
  /**
   * Replaces the read model with one run's result, in one transaction. With `replacing`,
   * the run decided only the accounts touched since the last one: the rows of the accounts
   * keyed by those record refs are replaced by `rows`, the others stay.
   */
  save(runId: string, rows: Iterable<AccountRoleRow>, people: PersonState[], replacing?: ReadonlySet<string>): void {
    const roles: SqlValue[][] = [];
    const held: SqlValue[][] = [];
    // A thousand account-roles at a time, with what each system holds of them.
    const flush = () => {
      this.store.runMany(
        'INSERT INTO account_roles (account, role, name, status, decided, detail, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
        roles.splice(0),
      );
      this.store.runMany(
        'INSERT INTO account_role_systems (account, role, system, record_id, owner) VALUES (?, ?, ?, ?, ?)',
        held.splice(0),
      );
    };
    this.transaction(() => {
      if (replacing) {
        for (const keys of chunksOf(replacing)) {
          const list = JSON.stringify(keys);
          this.sql(`DELETE FROM account_roles WHERE account IN (${this.dialect.jsonTextList})`).run(list);
          this.sql(`DELETE FROM account_role_systems WHERE account IN (${this.dialect.jsonTextList})`).run(list);
        }
        this.store.db.exec('DELETE FROM people;');
      } else this.store.db.exec('DELETE FROM account_roles; DELETE FROM account_role_systems; DELETE FROM people;');
      for (const r of rows) {
        roles.push([r.account, r.role, r.name, r.status, r.decided, r.detail, runId]);
        for (const [system, h] of Object.entries(r.systems))
          held.push([r.account, r.role, system, h.recordId, h.owner]);
        if (roles.length === 1_000) flush();
      }
      flush();
      this.insertAll(
        'INSERT INTO people (email, name, systems, records) VALUES (?, ?, ?, ?)',
        people.map((p) => [p.email, p.name, JSON.stringify(p.systems), JSON.stringify(p.records)]),
      );
      this.countAccountsPerPerson();
      this.sql(
        `INSERT INTO consistency (run_id, role, status, count)
           SELECT ?, role, status, COUNT(*) FROM account_roles GROUP BY role, status`,
      ).run(runId);
    });
  }

  /**
   * The accounts and in-scope account-roles (a role some system holds a record for) of the
   * read model, leaving out the accounts keyed by `except`: what a run deciding only those
   * accounts leaves standing.
   */
  bookExcept(except: ReadonlySet<string>): { accounts: number; inScope: number } {
    const count = (where: string, ...params: SqlValue[]) =>
      this.sql(
        `SELECT COUNT(DISTINCT r.account) AS accounts,
                COUNT(CASE WHEN EXISTS (SELECT 1 FROM account_role_systems s WHERE s.account = r.account AND s.role = r.role)
                      THEN 1 END) AS "inScope"
           FROM account_roles r ${where}`,
      ).get(...params) as { accounts: number; inScope: number };
    const all = count('');
    let accounts = Number(all.accounts);
    let inScope = Number(all.inScope);
    for (const keys of chunksOf(except)) {
      const held = count(`WHERE r.account IN (${this.dialect.jsonTextList})`, JSON.stringify(keys));
      accounts -= Number(held.accounts);
      inScope -= Number(held.inScope);
    }
    return { accounts, inScope };
  }

  /** The accounts a role of which the latest sync left drifting (a write failed, was refused or not sent). */
  drifting(): { account: string; records: { system: SystemId; recordId: string }[] }[] {
    const rows = this.sql(
      `SELECT DISTINCT r.account AS account, s.system AS system, s.record_id AS "recordId"
         FROM account_roles r LEFT JOIN account_role_systems s ON s.account = r.account
        WHERE r.status = 'drift' ORDER BY r.account`,
    ).all() as { account: string; system: SystemId | null; recordId: string | null }[];
    const byAccount = new Map<string, { system: SystemId; recordId: string }[]>();
    for (const row of rows) {
      const records = byAccount.get(row.account) ?? [];
      if (row.system !== null && row.recordId !== null) records.push({ system: row.system, recordId: row.recordId });
      byAccount.set(row.account, records);
    }
    return [...byAccount].map(([account, records]) => ({ account, records }));
  }

  /** Accounts per role and status now. */
  summary(): { role: string; status: RoleStatus; count: number }[] {
    return this.sql(
      'SELECT role, status, COUNT(*) AS count FROM account_roles GROUP BY role, status ORDER BY role, status',
    ).all() as { role: string; status: RoleStatus; count: number }[];
  }

  /** Consistent accounts out of all, per role, for the last `runs` syncs that recorded state (oldest first). */
  trend(runs = 20): ConsistencyPoint[] {
    return this.sql(
      `SELECT c.run_id AS "runId", r.started_at AS "startedAt", c.role AS role,
                SUM(CASE WHEN c.status = 'consistent' THEN c.count ELSE 0 END) AS consistent, SUM(c.count) AS total
         FROM consistency c JOIN runs r ON r.id = c.run_id
         WHERE c.run_id IN (SELECT DISTINCT run_id FROM consistency ORDER BY run_id DESC LIMIT ?)
         GROUP BY c.run_id, r.started_at, c.role ORDER BY r.started_at, c.run_id, c.role`,
    ).all(runs) as unknown as ConsistencyPoint[];
  }

  /**
   * One page of account roles matching `filter`, ordered by account name (or `sort`;
   * ties by name, account and role, so pages never overlap), and how many match in all.
   */
  list(
    filter: AccountFilter,
    page: { offset: number; limit: number },
    sort: AccountSort = { by: 'name', descending: false },
  ): { total: number; rows: AccountRoleRow[] } {
    const { where, params } = whereOf(filter);
    const total = (this.sql(`SELECT COUNT(*) AS n FROM account_roles ${where}`).get(...params) as { n: number }).n;
    const order = `${SORT_COLUMNS[sort.by](this.dialect)} ${sort.descending ? 'DESC' : 'ASC'}`;
    const rows = this.sql(
      `SELECT * FROM account_roles ${where} ORDER BY ${order}, ${this.dialect.nocase('name')}, account, role LIMIT ? OFFSET ?`,
    ).all(...params, page.limit, page.offset) as unknown as RawAccountRole[];
    return { total, rows: rows.map((r) => this.accountRoleRow(r)) };
  }

  account(account: string): AccountRoleRow[] {
    return (
      this.sql('SELECT * FROM account_roles WHERE account = ? ORDER BY role').all(
        account,
      ) as unknown as RawAccountRole[]
    ).map((r) => this.accountRoleRow(r));
  }

  /** A row with what each system holds (a page is 50 rows: one indexed lookup each). */
  private accountRoleRow(r: RawAccountRole): AccountRoleRow {
    const held = this.sql(
      'SELECT system, record_id, owner FROM account_role_systems WHERE account = ? AND role = ? ORDER BY system',
    ).all(r.account, r.role) as { system: string; record_id: string; owner: string | null }[];
    const systems: AccountRoleRow['systems'] = {};
    for (const h of held) systems[h.system] = { recordId: h.record_id, owner: h.owner };
    return {
      account: r.account,
      role: r.role,
      name: r.name,
      status: r.status as RoleStatus,
      decided: r.decided,
      detail: r.detail,
      systems,
      runId: r.run_id,
    };
  }

  /** Every known person, with how many account roles they are decided for and how many fields hold them. */
  people(search?: string): (PersonState & { decidedFor: number; holds: number })[] {
    const like = `%${(search ?? '').toLowerCase()}%`;
    const rows = this.sql('SELECT * FROM people WHERE lower(email) LIKE ? OR lower(name) LIKE ? ORDER BY email').all(
      like,
      like,
    ) as unknown as RawPerson[];
    return rows.map((r) => ({ ...personState(r), decidedFor: r.decided_for, holds: r.holds }));
  }

  /**
   * Counted once per sync, not per page view: grouping 100,000 accounts × roles × systems
   * takes a few hundred milliseconds.
   */
  private countAccountsPerPerson(): void {
    const update = this.sql('UPDATE people SET decided_for = ?, holds = ? WHERE email = ?');
    const decided = countsBy(
      this.sql('SELECT decided AS email, COUNT(*) AS n FROM account_roles GROUP BY decided').all(),
    );
    const holds = countsBy(
      this.sql('SELECT owner AS email, COUNT(*) AS n FROM account_role_systems GROUP BY owner').all(),
    );
    for (const email of new Set([...decided.keys(), ...holds.keys()])) {
      update.run(decided.get(email) ?? 0, holds.get(email) ?? 0, email);
    }
  }

  /** Every person's user records, for planning a preview the way the last sync planned. */
  personRecords(): PersonRecord[] {
    const rows = this.sql('SELECT records FROM people').all() as { records: string }[];
    return rows.flatMap((r) => JSON.parse(r.records) as PersonRecord[]);
  }

  person(email: string): PersonState | undefined {
    const row = this.sql('SELECT * FROM people WHERE email = ?').get(email) as RawPerson | undefined;
    return row ? personState(row) : undefined;
  }
}

function whereOf(filter: AccountFilter): { where: string; params: (string | number)[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  if (filter.status) {
    clauses.push('status = ?');
    params.push(filter.status);
  }
  if (filter.role) {
    clauses.push('role = ?');
    params.push(filter.role);
  }
  // What a system holds lives in account_role_systems, one row per (account, role, system).
  const held = (condition: string) =>
    `(account, role) IN (SELECT account, role FROM account_role_systems WHERE ${condition})`;
  if (filter.system && !filter.owner) {
    clauses.push(held('system = ?'));
    params.push(filter.system);
  }
  if (filter.owner) {
    const owner = filter.owner.trim().toLowerCase();
    if (filter.system) {
      clauses.push(held('system = ? AND owner = ?'));
      params.push(filter.system, owner);
    } else {
      clauses.push(`(decided = ? OR ${held('owner = ?')})`);
      params.push(owner, owner);
    }
  }
  if (filter.search) {
    const text = filter.search
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`);
    clauses.push(`(lower(account) LIKE ? ESCAPE '\\' OR lower(name) LIKE ? ESCAPE '\\')`);
    params.push(`${text}%`, `%${text}%`);
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

interface RawAccountRole {
  account: string;
  role: string;
  name: string;
  status: string;
  decided: string | null;
  detail: string | null;
  run_id: string;
}

interface RawPerson {
  email: string;
  name: string | null;
  systems: string;
  records: string;
  decided_for: number;
  holds: number;
}

function personState(r: RawPerson): PersonState {
  return {
    email: r.email,
    name: r.name,
    systems: JSON.parse(r.systems) as PersonState['systems'],
    records: JSON.parse(r.records) as PersonRecord[],
  };
}

function countsBy(rows: unknown[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows as { email: string | null; n: number }[]) if (row.email) counts.set(row.email, row.n);
  return counts;
}
