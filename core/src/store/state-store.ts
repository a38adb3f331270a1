import { hostname } from 'node:os';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { ownerValueSharing } from '../domain/shared-owner-values.ts';
import type {
  AccountRecord,
  Baseline,
  BaselineEntry,
  CascadeKind,
  ChangeReason,
  OwnerValue,
  PersonRecord,
  SystemId,
  WriteResult,
} from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import { AdminActions } from './admin-actions.ts';
import { isAbandoned } from './liveness.ts';
import { OwnershipState } from './ownership-state.ts';
import { inTransaction, prepare } from './prepare-db.ts';
import { newRunId } from './run-id.ts';
import { openStateFile } from './state-file.ts';

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
  /** The process that ran it, for telling an interrupted run from a live one. */
  pid: number;
  host: string;
}

export interface ChangeRow {
  account: string;
  accountName: string;
  role: string;
  system: SystemId;
  recordId: string;
  from: string | null;
  /** The value overwritten as the field held it (id or text), whether or not it names a person. */
  fromValue: OwnerValue;
  to: string;
  reason: string;
  result: 'planned' | 'written' | 'failed';
  error: { code: string; kind: string; message: string } | null;
}

/** A change as the audit holds it: which run recorded it, and when. */
export interface AuditRow extends ChangeRow {
  runId: string;
  at: string;
}

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
  /** Cascades this write asks for once it lands, journaled with it. */
  cascades?: { kind: CascadeKind; fromId: string | null; toId: string }[];
}

/** A journaled cascade not yet carried out, with the outcome of the owner write that asks for it. */
export interface OpenCascade {
  id: number;
  runId: string;
  system: SystemId;
  recordId: string;
  role: string;
  kind: CascadeKind;
  fromId: string | null;
  toId: string;
  /** The owner write's outcome: null while unknown (sent, not confirmed). */
  ownerOutcome: 'written' | 'confirmed' | 'failed' | 'superseded' | null;
}

export interface PendingIntent extends Intent {
  id: number;
  runId: string;
}

export interface StoreOptions {
  now?: () => Date;
  /**
   * A lock (or a running run) from another host silent for longer than this (since its
   * acquisition or last heartbeat) is considered abandoned. Default 6 hours.
   */
  lockTtlMs?: number;
  /** Masks secrets in text from outside (vendor error messages) before it is stored. */
  mask?: (text: string) => string;
  /**
   * Copies in `backups/` beside the file: before each migration, and (unless `daily` is
   * false) one a day, the three newest of each kind kept. `false`: none.
   */
  backups?: false | { daily?: boolean };
}

export const DEFAULT_LOCK_TTL_MS = 6 * 3600_000;

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
  private readonly mask: (text: string) => string;
  private readonly statements = new Map<string, StatementSync>();
  /** The console's read model (latest ownership per account and role, people, trend). */
  readonly ownership: OwnershipState;
  /** Admin actions from the console and the overrides they leave for the next sync. */
  readonly actions: AdminActions;
  /** What went wrong at open without stopping it (a daily backup that failed), for the caller to log. */
  readonly warnings: string[] = [];

  constructor(path: string, options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.lockTtlMs = options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS;
    this.mask = options.mask ?? ((text) => text);
    const backups =
      options.backups === false
        ? { daily: false, beforeMigration: false }
        : { daily: options.backups?.daily ?? true, beforeMigration: true };
    if (path === ':memory:') {
      this.db = new DatabaseSync(path);
      prepare(this.db, path, {});
    } else {
      const opened = openStateFile(path, (db) => prepare(db, path, {}));
      this.db = opened.db;
      try {
        this.warnings = prepare(this.db, path, {
          check: true,
          ...(opened.existed && backups.daily ? { daily: this.now() } : {}),
          beforeMigration: backups.beforeMigration,
        });
      } catch (error) {
        this.db.close();
        throw error;
      }
    }
    const transaction = <T>(work: () => T): T => this.transaction(work);
    this.ownership = new OwnershipState(this.db, transaction);
    this.actions = new AdminActions(this.db, transaction, this.now);
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
    return inTransaction(this.db, work);
  }

  private iso(): string {
    return this.now().toISOString();
  }

  // Runs ---------------------------------------------------------------------

  /** Records a run as `running` by this process; returns its id (sortable by start time). */
  startRun(options: { dryRun: boolean; full: boolean }): string {
    const at = this.now();
    const insert = this.sql(
      `INSERT OR IGNORE INTO runs (id, started_at, status, dry_run, full, pid, host)
       VALUES (?, ?, 'running', ?, ?, ?, ?)`,
    );
    // The random tail makes a clash within one second unlikely; retrying makes it impossible.
    for (;;) {
      const id = newRunId(at);
      const inserted = insert.run(
        id,
        at.toISOString(),
        options.dryRun ? 1 : 0,
        options.full ? 1 : 0,
        process.pid,
        hostname(),
      );
      if (inserted.changes === 1) return id;
    }
  }

  finishRun(runId: string, status: StoredRunStatus, counts: object, error?: string): void {
    this.sql('UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ? WHERE id = ?').run(
      this.iso(),
      status,
      JSON.stringify(counts),
      error === undefined ? null : this.mask(error),
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

  /**
   * Marks runs left `running` by a process that no longer exists (this host) or that
   * went silent for longer than the TTL (another host) as failed with error
   * `interrupted`. Returns their ids.
   */
  abandonStaleRuns(): string[] {
    const now = this.now();
    const dead = this.runningRuns().filter((r) => isAbandoned(r, now, this.lockTtlMs));
    const mark = this.sql(
      "UPDATE runs SET status = 'failed', error = 'interrupted', finished_at = ? WHERE id = ? AND status = 'running'",
    );
    // No write transaction when there is nothing to mark: it would wait on a busy writer for nothing.
    if (dead.length > 0) {
      this.transaction(() => {
        for (const r of dead) mark.run(now.toISOString(), r.id);
      });
    }
    return dead.map((r) => r.id);
  }

  private runningRuns(): { id: string; pid: number; host: string; seenAt: string }[] {
    return this.sql(
      "SELECT id, pid, host, COALESCE(heartbeat_at, started_at) AS seenAt FROM runs WHERE status = 'running'",
    ).all() as { id: string; pid: number; host: string; seenAt: string }[];
  }

  /**
   * A long run's sign of life: keeps its lock (and its `running` status) from being
   * taken over by another host after the TTL. Returns false when the run no longer
   * holds the lock, so it can stop before writing more.
   */
  heartbeat(runId: string): boolean {
    const at = this.iso();
    return this.transaction(() => {
      this.sql('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(at, runId);
      return this.sql('UPDATE lock SET heartbeat_at = ? WHERE id = 1 AND run_id = ?').run(at, runId).changes === 1;
    });
  }

  // Audit ----------------------------------------------------------------------

  recordChanges(runId: string, rows: ChangeRow[]): void {
    const insert = this.sql(
      `INSERT INTO changes (run_id, account, account_name, role, system, record_id, from_email, from_value, to_email, reason, result, error, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          r.fromValue === null ? null : JSON.stringify(r.fromValue),
          r.to,
          r.reason,
          r.result,
          r.error ? JSON.stringify({ ...r.error, message: this.mask(r.error.message) }) : null,
          at,
        );
      }
    });
  }

  /** The audit of one run, in the order it was recorded. */
  changesForRun(runId: string): AuditRow[] {
    return (this.sql('SELECT * FROM changes WHERE run_id = ? ORDER BY rowid').all(runId) as unknown as RawChange[]).map(
      auditRow,
    );
  }

  /** Every change spoc planned or made on one account, oldest first. */
  changesForAccount(account: string): AuditRow[] {
    return (
      this.sql('SELECT * FROM changes WHERE account = ? ORDER BY rowid').all(account) as unknown as RawChange[]
    ).map(auditRow);
  }

  // Baselines --------------------------------------------------------------------

  /**
   * The baseline, looked up entry by entry (by baselineKey) instead of loaded: 100,000
   * accounts hold ~600,000 entries, several hundred MB as objects, and a run reads each
   * entry once or twice (an indexed lookup is a few microseconds).
   */
  baselineLookup(): Baseline {
    const select = this.sql(
      'SELECT system, record_id, role, value, at, stand_in, decided FROM baselines WHERE system = ? AND record_id = ? AND role = ?',
    );
    return {
      get: (key) => {
        const [system, recordId, role] = key.split('\u0000');
        const row = select.get(system ?? '', recordId ?? '', role ?? '') as RawBaseline | undefined;
        return row ? baselineEntry(row) : undefined;
      },
    };
  }

  /** Every baseline entry (tests and small tools; a run uses baselineLookup). */
  loadBaseline(): Map<string, BaselineEntry> {
    const rows = this.sql('SELECT system, record_id, role, value, at, stand_in, decided FROM baselines').all();
    return new Map((rows as unknown as RawBaseline[]).map(keyedBaselineEntry));
  }

  /** The baseline entries (every role) of a few records, e.g. to preview one account's plan. */
  baselineOf(records: { system: SystemId; recordId: string }[]): Map<string, BaselineEntry> {
    const select = this.sql(
      'SELECT system, record_id, role, value, at, stand_in, decided FROM baselines WHERE system = ? AND record_id = ?',
    );
    return new Map(
      records.flatMap((r) => (select.all(r.system, r.recordId) as unknown as RawBaseline[]).map(keyedBaselineEntry)),
    );
  }

  upsertBaseline(entries: Iterable<BaselineEntry>): void {
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
    const stray = records.find((r) => r.system !== system);
    if (stray) {
      // Deleting one system's mirror for another system's records would lose data.
      throw new SpocError(
        'vendor',
        'MIRROR_SYSTEM_MISMATCH',
        `replaceAccounts(${system}) was given a ${stray.system} record (${stray.id})`,
      );
    }
    const insert = this.sql('INSERT INTO accounts (system, id, name, modified_at, record) VALUES (?, ?, ?, ?, ?)');
    this.transaction(() => {
      this.sql('DELETE FROM accounts WHERE system = ?').run(system);
      for (const r of records) insert.run(r.system, r.id, r.name, r.modifiedAt, JSON.stringify(r));
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

  // People cache -------------------------------------------------------------------------

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

  // Ownership history ------------------------------------------------------------------

  /** Appends the rows whose value differs from the latest one for that (account, role, system). */
  recordOwnership(rows: OwnershipRow[]): void {
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

  historyForAccount(account: string): OwnershipRow[] {
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
       WHERE account = ? OR name = ? COLLATE NOCASE
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

  // Lock ---------------------------------------------------------------------------------

  /**
   * One run per store: takes the single-row lock in a write transaction, so of two
   * racing runs exactly one wins. A lock whose holder is gone (dead pid on this host,
   * or silent past the TTL from another host) is taken over. Taking a lock this run
   * already holds succeeds.
   */
  acquireLock(owner: { runId: string; pid: number; host: string }): { ok: true } | { ok: false; heldBy: LockHolder } {
    const now = this.now();
    return this.transaction(() => {
      const held = this.lockRow();
      if (held?.runId === owner.runId) return { ok: true as const };
      if (held && !isAbandoned({ ...held, seenAt: held.heartbeatAt ?? held.since }, now, this.lockTtlMs)) {
        return { ok: false as const, heldBy: { runId: held.runId, pid: held.pid, host: held.host, since: held.since } };
      }
      this.sql(
        'INSERT OR REPLACE INTO lock (id, run_id, pid, host, since, heartbeat_at) VALUES (1, ?, ?, ?, ?, NULL)',
      ).run(owner.runId, owner.pid, owner.host, now.toISOString());
      return { ok: true as const };
    });
  }

  /** Lets the lock go if this run holds it (a run never frees another's lock). */
  releaseLock(runId: string): void {
    this.sql('DELETE FROM lock WHERE id = 1 AND run_id = ?').run(runId);
  }

  /** Who holds the lock now, if anyone (it may be abandoned: acquireLock decides). */
  lockHolder(): LockHolder | undefined {
    const held = this.lockRow();
    return held ? { runId: held.runId, pid: held.pid, host: held.host, since: held.since } : undefined;
  }

  private lockRow(): (LockHolder & { heartbeatAt: string | null }) | undefined {
    return this.sql(
      'SELECT run_id AS runId, pid, host, since, heartbeat_at AS heartbeatAt FROM lock WHERE id = 1',
    ).get() as (LockHolder & { heartbeatAt: string | null }) | undefined;
  }

  // Intent journal ---------------------------------------------------------------------------

  /**
   * Records the writes about to be sent, durably, before they are sent; returns the
   * batch id to attach their results to.
   */
  journalIntents(runId: string, intents: Intent[]): number {
    // Batch 0 holds nothing, so an empty batch can never share an id with a real one.
    if (intents.length === 0) return 0;
    return this.transaction(() => {
      const next = this.sql('SELECT COALESCE(MAX(batch_id), 0) + 1 AS id FROM intents').get() as { id: number };
      const insert = this.sql(
        'INSERT INTO intents (batch_id, run_id, system, record_id, role, to_email, to_value, from_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const cascade = this.sql('INSERT INTO cascade_intents (intent_id, kind, from_id, to_id) VALUES (?, ?, ?, ?)');
      for (const i of intents) {
        const row = insert.run(
          next.id,
          runId,
          i.system,
          i.recordId,
          i.role,
          i.toEmail,
          JSON.stringify(i.toValue),
          i.fromEmail,
        );
        for (const c of i.cascades ?? []) cascade.run(row.lastInsertRowid, c.kind, c.fromId, c.toId);
      }
      return next.id;
    });
  }

  /** Settles a batch with the vendor's answers; an intent it gave no answer for counts as failed. */
  journalResults(batchId: number, results: WriteResult[]): void {
    const update = this.sql(
      'UPDATE intents SET outcome = ? WHERE batch_id = ? AND record_id = ? AND role = ? AND outcome IS NULL',
    );
    this.transaction(() => {
      for (const r of results) update.run(r.ok ? 'written' : 'failed', batchId, r.recordId, r.role);
      this.sql("UPDATE intents SET outcome = 'failed' WHERE batch_id = ? AND outcome IS NULL").run(batchId);
    });
  }

  /**
   * Intents sent (or about to be) by a run that is no longer running (it finished
   * without their results, or its process died) and never settled: each may or may
   * not have reached the vendor. Oldest first. A live run's open batch is not listed.
   */
  pendingIntents(): PendingIntent[] {
    const now = this.now();
    const live = new Set(
      this.runningRuns()
        .filter((r) => !isAbandoned(r, now, this.lockTtlMs))
        .map((r) => r.id),
    );
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
    return rows
      .filter((r) => !live.has(r.run_id))
      .map((r) => ({
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

  /**
   * Settles pending intents after checking them against fresh vendor data: `confirmed`
   * (the vendor holds the intended value) or `superseded` (it does not; the plan redoes it).
   */
  resolveIntents(ids: number[], outcome: 'confirmed' | 'superseded'): void {
    const update = this.sql('UPDATE intents SET outcome = ? WHERE id = ? AND outcome IS NULL');
    this.transaction(() => {
      for (const id of ids) update.run(outcome, id);
    });
  }

  /**
   * Journaled cascades not carried out yet: those of `runId` (this run's), and those of
   * runs no longer running (stopped between an owner write and its cascade). Oldest first.
   */
  openCascades(runId?: string): OpenCascade[] {
    const now = this.now();
    const live = new Set(
      this.runningRuns()
        .filter((r) => !isAbandoned(r, now, this.lockTtlMs))
        .map((r) => r.id),
    );
    const rows = this.sql(
      `SELECT c.id, i.run_id AS runId, i.system, i.record_id AS recordId, i.role, c.kind, c.from_id AS fromId,
              c.to_id AS toId, i.outcome AS ownerOutcome
       FROM cascade_intents c JOIN intents i ON i.id = c.intent_id
       WHERE c.outcome IS NULL ORDER BY c.id`,
    ).all() as unknown as OpenCascade[];
    return rows.filter((r) => r.runId === runId || !live.has(r.runId));
  }

  /** `done` (carried out, whatever each record's result) or `cancelled` (its owner write did not land). */
  settleCascades(ids: number[], outcome: 'done' | 'cancelled'): void {
    const update = this.sql('UPDATE cascade_intents SET outcome = ? WHERE id = ? AND outcome IS NULL');
    this.transaction(() => {
      for (const id of ids) update.run(outcome, id);
    });
  }

  /** Closes the database; closing twice is harmless. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

export function openStore(path: string, options: StoreOptions = {}): StateStore {
  return new StateStore(path, options);
}

interface RawBaseline {
  system: SystemId;
  record_id: string;
  role: string;
  value: string | null;
  at: string;
  stand_in: number;
  decided: string | null;
}

function baselineEntry(r: RawBaseline): BaselineEntry {
  const entry: BaselineEntry = { system: r.system, recordId: r.record_id, role: r.role, value: r.value, at: r.at };
  if (r.stand_in === 1) entry.standIn = true;
  if (r.decided !== null) entry.decided = r.decided;
  return entry;
}

function keyedBaselineEntry(r: RawBaseline): [string, BaselineEntry] {
  return [baselineKey(r.system, r.record_id, r.role), baselineEntry(r)];
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
  pid: number;
  host: string;
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
    pid: r.pid,
    host: r.host,
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
  from_value: string | null;
  to_email: string;
  reason: string;
  result: ChangeRow['result'];
  error: string | null;
  at: string;
}

function auditRow(r: RawChange): AuditRow {
  return {
    runId: r.run_id,
    at: r.at,
    account: r.account,
    accountName: r.account_name,
    role: r.role,
    system: r.system,
    recordId: r.record_id,
    from: r.from_email,
    fromValue: r.from_value === null ? null : (JSON.parse(r.from_value) as OwnerValue),
    to: r.to_email,
    reason: r.reason,
    result: r.result,
    error: r.error ? (JSON.parse(r.error) as ChangeRow['error']) : null,
  };
}
