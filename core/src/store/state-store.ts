import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { AccountRecord, BaselineEntry, OwnerValue, SystemId, WriteResult } from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import { MIGRATIONS } from './migrations.ts';

export type StoredRunStatus = 'running' | 'ok' | 'partial' | 'refused' | 'failed';

export interface RunRow {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  status: StoredRunStatus;
  dryRun: boolean;
  full: boolean;
  counts: Record<string, number> | null;
  error: string | null;
}

export interface ChangeRow {
  account: string;
  accountName: string;
  role: string;
  system: SystemId;
  recordId: string;
  from: string | null;
  to: string;
  reason: string;
  result: 'planned' | 'written' | 'failed';
  error: { code: string; kind: string; message: string } | null;
}

export interface OwnershipRow {
  account: string;
  role: string;
  system: SystemId;
  recordId: string;
  email: string | null;
  runId: string;
  /** `observed` (seen in the vendor) or the change reason spoc wrote it for. */
  reason: string;
  at: string;
}

export interface LockHolder {
  runId: string;
  pid: number;
  host: string;
  since: string;
}

export interface Intent {
  system: SystemId;
  recordId: string;
  role: string;
  toEmail: string;
  toValue: OwnerValue;
  fromEmail: string | null;
}

export interface PendingIntent extends Intent {
  id: number;
  runId: string;
}

export interface StoreOptions {
  now?: () => Date;
  /** A lock older than this, held from another host, is considered abandoned. */
  lockTtlMs?: number;
}

/**
 * spoc's memory between runs, in one SQLite file (node:sqlite): runs and their
 * audit, baselines, cursors, the mirror of vendor accounts, ownership history, the
 * run lock and the write-intent journal. Every method is synchronous and each
 * multi-row write is one transaction.
 */
export class StateStore {
  private readonly db: DatabaseSync;
  private readonly now: () => Date;
  private readonly lockTtlMs: number;
  private readonly statements = new Map<string, StatementSync>();

  constructor(path: string, options: StoreOptions = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.now = options.now ?? (() => new Date());
    this.lockTtlMs = options.lockTtlMs ?? 6 * 3600_000;
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
    this.migrate(path);
  }

  private migrate(path: string): void {
    const version = Number((this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    if (version > MIGRATIONS.length) {
      throw new SpocError(
        'config',
        'STATE_TOO_NEW',
        `${path} was written by a newer spoc (schema ${version}, this one knows ${MIGRATIONS.length}): upgrade spoc`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.transaction(() => {
        this.db.exec(MIGRATIONS[v] ?? '');
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
      });
    }
  }

  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private iso(): string {
    return this.now().toISOString();
  }

  // Runs ---------------------------------------------------------------------

  startRun(options: { dryRun: boolean; full: boolean }): string {
    const at = this.now();
    const stamp = at
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    const id = `r_${stamp}_${Math.random().toString(36).slice(2, 6)}`;
    this.sql('INSERT INTO runs (id, started_at, status, dry_run, full, pid, host) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      id,
      at.toISOString(),
      'running',
      options.dryRun ? 1 : 0,
      options.full ? 1 : 0,
      process.pid,
      hostname(),
    );
    return id;
  }

  finishRun(runId: string, status: StoredRunStatus, counts: object, error?: string): void {
    this.sql('UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE id = ?').run(
      this.iso(),
      status,
      JSON.stringify(counts),
      error ?? null,
      runId,
    );
  }

  listRuns(limit = 20): RunRow[] {
    return (
      this.sql('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as unknown as RawRun[]
    ).map(runRow);
  }

  getRun(id: string): RunRow | undefined {
    const row = this.sql('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
    return row ? runRow(row) : undefined;
  }

  /** Marks runs left `running` by a process that no longer exists as failed (interrupted). */
  abandonStaleRuns(): string[] {
    const running = this.sql("SELECT id, pid, host FROM runs WHERE status = 'running'").all() as {
      id: string;
      pid: number;
      host: string;
    }[];
    const dead = running.filter((r) => r.host === hostname() && r.pid !== process.pid && !processAlive(r.pid));
    for (const r of dead) {
      this.sql("UPDATE runs SET status = 'failed', error = 'interrupted', finished_at = ? WHERE id = ?").run(
        this.iso(),
        r.id,
      );
    }
    return dead.map((r) => r.id);
  }

  // Audit ----------------------------------------------------------------------

  recordChanges(runId: string, rows: ChangeRow[]): void {
    const insert = this.sql(
      `INSERT INTO changes (run_id, account, account_name, role, system, record_id, from_email, to_email, reason, result, error, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const at = this.iso();
    this.transaction(() => {
      for (const r of rows) {
        insert.run(
          runId,
          r.account,
          r.accountName,
          r.role,
          r.system,
          r.recordId,
          r.from,
          r.to,
          r.reason,
          r.result,
          r.error ? JSON.stringify(r.error) : null,
          at,
        );
      }
    });
  }

  changesForRun(runId: string): ChangeRow[] {
    return (this.sql('SELECT * FROM changes WHERE run_id = ? ORDER BY rowid').all(runId) as unknown as RawChange[]).map(
      changeRow,
    );
  }

  changesForAccount(account: string): (ChangeRow & { runId: string; at: string })[] {
    return (
      this.sql('SELECT * FROM changes WHERE account = ? ORDER BY rowid').all(account) as unknown as RawChange[]
    ).map((r) => ({
      ...changeRow(r),
      runId: r.run_id,
      at: r.at,
    }));
  }

  /** The ownership report of a run, kept for the console and `report` of past runs. */
  saveReport(runId: string, report: unknown): void {
    this.sql('INSERT OR REPLACE INTO reports (run_id, report) VALUES (?, ?)').run(runId, JSON.stringify(report));
  }

  latestReport(): { runId: string; report: unknown } | undefined {
    const row = this.sql(
      'SELECT reports.run_id AS run_id, report FROM reports JOIN runs ON runs.id = reports.run_id ORDER BY runs.started_at DESC LIMIT 1',
    ).get() as { run_id: string; report: string } | undefined;
    return row ? { runId: row.run_id, report: JSON.parse(row.report) } : undefined;
  }

  // Baselines --------------------------------------------------------------------

  loadBaseline(): Map<string, BaselineEntry> {
    const rows = this.sql('SELECT system, record_id, role, value, at, stand_in, decided FROM baselines').all() as {
      system: SystemId;
      record_id: string;
      role: string;
      value: string | null;
      at: string;
      stand_in: number;
      decided: string | null;
    }[];
    return new Map(
      rows.map((r) => {
        const entry: BaselineEntry = {
          system: r.system,
          recordId: r.record_id,
          role: r.role,
          value: r.value,
          at: r.at,
        };
        if (r.stand_in === 1) entry.standIn = true;
        if (r.decided !== null) entry.decided = r.decided;
        return [baselineKey(r.system, r.record_id, r.role), entry];
      }),
    );
  }

  upsertBaseline(entries: BaselineEntry[]): void {
    const upsert = this.sql(
      `INSERT INTO baselines (system, record_id, role, value, at, stand_in, decided) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (system, record_id, role) DO UPDATE SET value = excluded.value, at = excluded.at,
         stand_in = excluded.stand_in, decided = excluded.decided`,
    );
    this.transaction(() => {
      for (const e of entries)
        upsert.run(e.system, e.recordId, e.role, e.value, e.at, e.standIn ? 1 : 0, e.decided ?? null);
    });
  }

  // Cursors ------------------------------------------------------------------------

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

  clearCursors(): void {
    this.sql('DELETE FROM cursors').run();
  }

  // Mirror of vendor accounts ----------------------------------------------------------

  upsertAccounts(records: AccountRecord[]): void {
    const upsert = this.sql(
      `INSERT INTO accounts (system, id, name, modified_at, record) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (system, id) DO UPDATE SET name = excluded.name, modified_at = excluded.modified_at, record = excluded.record`,
    );
    this.transaction(() => {
      for (const r of records) upsert.run(r.system, r.id, r.name, r.modifiedAt, JSON.stringify(r));
    });
  }

  /** A full read's result: the system's mirror becomes exactly these records. */
  replaceAccounts(system: SystemId, records: AccountRecord[]): void {
    const insert = this.sql('INSERT INTO accounts (system, id, name, modified_at, record) VALUES (?, ?, ?, ?, ?)');
    this.transaction(() => {
      this.sql('DELETE FROM accounts WHERE system = ?').run(system);
      for (const r of records) insert.run(r.system, r.id, r.name, r.modifiedAt, JSON.stringify(r));
    });
  }

  loadAccounts(system?: SystemId): AccountRecord[] {
    const rows = (
      system
        ? this.sql('SELECT record FROM accounts WHERE system = ?').all(system)
        : this.sql('SELECT record FROM accounts').all()
    ) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as AccountRecord);
  }

  /** After a successful write the mirror shows what spoc wrote, until the vendor says otherwise. */
  applyWrittenValues(system: SystemId, recordId: string, role: string, value: OwnerValue): void {
    const row = this.sql('SELECT record FROM accounts WHERE system = ? AND id = ?').get(system, recordId) as
      | { record: string }
      | undefined;
    if (!row) return;
    const record = JSON.parse(row.record) as AccountRecord;
    record.roles[role] = value;
    this.sql('UPDATE accounts SET record = ? WHERE system = ? AND id = ?').run(
      JSON.stringify(record),
      system,
      recordId,
    );
  }

  // Ownership history ------------------------------------------------------------------

  /** Appends the rows whose value differs from the latest one for that (account, role, system). */
  recordOwnership(rows: OwnershipRow[]): void {
    const latest = this.sql(
      'SELECT email FROM ownership WHERE account = ? AND role = ? AND system = ? ORDER BY seq DESC LIMIT 1',
    );
    const insert = this.sql(
      'INSERT INTO ownership (account, role, system, record_id, email, run_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.transaction(() => {
      for (const r of rows) {
        const last = latest.get(r.account, r.role, r.system) as { email: string | null } | undefined;
        if (last && last.email === r.email) continue;
        insert.run(r.account, r.role, r.system, r.recordId, r.email, r.runId, r.reason, r.at);
      }
    });
  }

  historyForAccount(account: string): OwnershipRow[] {
    const rows = this.sql('SELECT * FROM ownership WHERE account = ? ORDER BY seq').all(account) as {
      account: string;
      role: string;
      system: SystemId;
      record_id: string;
      email: string | null;
      run_id: string;
      reason: string;
      at: string;
    }[];
    return rows.map((r) => ({
      account: r.account,
      role: r.role,
      system: r.system,
      recordId: r.record_id,
      email: r.email,
      runId: r.run_id,
      reason: r.reason,
      at: r.at,
    }));
  }

  /** Account keys whose key starts with `search` or that hold a record with that id. */
  historyAccounts(search: string): string[] {
    const rows = this.sql(
      `SELECT DISTINCT account FROM ownership WHERE account LIKE ? ESCAPE '\\' OR record_id = ? ORDER BY account LIMIT 50`,
    ).all(`${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, search) as { account: string }[];
    return rows.map((r) => r.account);
  }

  // Lock ---------------------------------------------------------------------------------

  /** One run per store. A lock left by a dead process (same host) or older than the TTL is reclaimed. */
  acquireLock(owner: { runId: string; pid: number; host: string }): { ok: true } | { ok: false; heldBy: LockHolder } {
    return this.transaction(() => {
      const held = this.sql('SELECT run_id, pid, host, since FROM lock WHERE id = 1').get() as
        | { run_id: string; pid: number; host: string; since: string }
        | undefined;
      if (held) {
        const stale =
          (held.host === owner.host && !processAlive(held.pid)) ||
          this.now().getTime() - Date.parse(held.since) > this.lockTtlMs;
        if (!stale) {
          return {
            ok: false as const,
            heldBy: { runId: held.run_id, pid: held.pid, host: held.host, since: held.since },
          };
        }
        this.sql('DELETE FROM lock WHERE id = 1').run();
      }
      this.sql('INSERT INTO lock (id, run_id, pid, host, since) VALUES (1, ?, ?, ?, ?)').run(
        owner.runId,
        owner.pid,
        owner.host,
        this.iso(),
      );
      return { ok: true as const };
    });
  }

  releaseLock(runId: string): void {
    this.sql('DELETE FROM lock WHERE id = 1 AND run_id = ?').run(runId);
  }

  // Intent journal ---------------------------------------------------------------------------

  /** Records the writes about to be sent; returns the batch id to attach their results to. */
  journalIntents(runId: string, intents: Intent[]): number {
    return this.transaction(() => {
      const next = this.sql('SELECT COALESCE(MAX(batch_id), 0) + 1 AS id FROM intents').get() as { id: number };
      const insert = this.sql(
        'INSERT INTO intents (batch_id, run_id, system, record_id, role, to_email, to_value, from_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const i of intents) {
        insert.run(next.id, runId, i.system, i.recordId, i.role, i.toEmail, JSON.stringify(i.toValue), i.fromEmail);
      }
      return next.id;
    });
  }

  journalResults(batchId: number, results: WriteResult[]): void {
    const update = this.sql('UPDATE intents SET outcome = ? WHERE batch_id = ? AND record_id = ? AND role = ?');
    this.transaction(() => {
      for (const r of results) update.run(r.ok ? 'written' : 'failed', batchId, r.recordId, r.role);
      // An intent the connector returned nothing for did not happen as far as spoc knows.
      this.sql("UPDATE intents SET outcome = 'failed' WHERE batch_id = ? AND outcome IS NULL").run(batchId);
    });
  }

  /** Intents sent (or about to be) by a run that died before recording their results. */
  pendingIntents(): PendingIntent[] {
    const rows = this.sql('SELECT * FROM intents WHERE outcome IS NULL ORDER BY id').all() as {
      id: number;
      run_id: string;
      system: SystemId;
      record_id: string;
      role: string;
      to_email: string;
      to_value: string;
      from_email: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      system: r.system,
      recordId: r.record_id,
      role: r.role,
      toEmail: r.to_email,
      toValue: JSON.parse(r.to_value) as OwnerValue,
      fromEmail: r.from_email,
    }));
  }

  resolveIntents(ids: number[], outcome: 'confirmed' | 'superseded'): void {
    const update = this.sql('UPDATE intents SET outcome = ? WHERE id = ?');
    this.transaction(() => {
      for (const id of ids) update.run(outcome, id);
    });
  }

  close(): void {
    this.db.close();
  }
}

export function openStore(path: string, options: StoreOptions = {}): StateStore {
  return new StateStore(path, options);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface RawRun {
  id: string;
  started_at: string;
  finished_at: string | null;
  status: StoredRunStatus;
  dry_run: number;
  full: number;
  counts: string | null;
  error: string | null;
}

function runRow(r: RawRun): RunRow {
  return {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    dryRun: r.dry_run === 1,
    full: r.full === 1,
    counts: r.counts ? (JSON.parse(r.counts) as Record<string, number>) : null,
    error: r.error,
  };
}

interface RawChange {
  run_id: string;
  account: string;
  account_name: string;
  role: string;
  system: SystemId;
  record_id: string;
  from_email: string | null;
  to_email: string;
  reason: string;
  result: ChangeRow['result'];
  error: string | null;
  at: string;
}

function changeRow(r: RawChange): ChangeRow {
  return {
    account: r.account,
    accountName: r.account_name,
    role: r.role,
    system: r.system,
    recordId: r.record_id,
    from: r.from_email,
    to: r.to_email,
    reason: r.reason,
    result: r.result,
    error: r.error ? (JSON.parse(r.error) as ChangeRow['error']) : null,
  };
}
