import { hostname } from 'node:os';
import type { ConnectorStats } from '../domain/connector.ts';
import type { ChangeReason, OwnerValue, PlannedChange, SystemId } from '../domain/types.ts';
import { isAbandoned } from './liveness.ts';
import { newRunId } from './run-id.ts';
import { type StoreDb, StoreModule } from './store-db.ts';

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
  /** How long it took (null while running, for an interrupted run, and for a run older than schema 9 that was). */
  durationMs: number | null;
  /** The process that ran it, for telling an interrupted run from a live one. */
  pid: number;
  host: string;
}

/** A planned change as the audit keeps it, with what became of it. */
export type ChangeRow = Pick<
  PlannedChange,
  'account' | 'accountName' | 'role' | 'system' | 'recordId' | 'from' | 'fromValue' | 'to' | 'reason'
> & {
  result: 'planned' | 'written' | 'failed';
  /** The vendor's (or spoc's) refusal of a write, as its WriteResult gave it. */
  error: { code: string; kind: string; message: string } | null;
};

/** What a finished run cost and tallied, kept for /metrics and /readyz beside its counts. */
export interface RunOutcome {
  durationMs: number;
  /** Vendor calls per system (retries and 429s among them). */
  calls: Record<SystemId, ConnectorStats>;
  /** The report's changes, counted per system, role and result. */
  changes: readonly Pick<ChangeRow, 'system' | 'role' | 'result'>[];
  /** The error that failed the run: its code, and the system it came from when it said. */
  error?: { code: string; system?: SystemId };
}

/** A change as the audit holds it: which run recorded it, and when. */
export type AuditRow = ChangeRow & { runId: string; at: string };

export interface LockHolder {
  runId: string;
  pid: number;
  host: string;
  since: string;
}

export const DEFAULT_LOCK_TTL_MS = 6 * 3600_000;

/**
 * A lock the database holds for a session and frees when the session ends (a Postgres
 * advisory lock): a run killed anywhere lets it go at once, with no TTL to wait out.
 */
export interface SessionLock {
  /** Takes it; false when another session holds it. Taking it twice is one hold. */
  tryHold(): boolean;
  release(): void;
  /** Whether this session holds it now. */
  readonly holding: boolean;
  /** Whether another session holds it now. */
  heldElsewhere(): boolean;
}

/**
 * The run log: each run (who ran it, how it ended, its counts), the audit of the
 * changes it planned and made, and the single-row lock that keeps two runs apart.
 */
export class RunLog extends StoreModule {
  private readonly lockTtlMs: number;
  private readonly session: SessionLock | undefined;
  /** The runs this store started (this process, this session). */
  private readonly started = new Set<string>();

  /** With a `session` lock, that lock keeps syncs apart and tells a live one from a dead one. */
  constructor(store: StoreDb, lockTtlMs: number, session?: SessionLock) {
    super(store);
    this.lockTtlMs = lockTtlMs;
    this.session = session;
  }

  /** Records a run as `running` by this process; returns its id (sortable by start time). */
  start(options: { dryRun: boolean; full: boolean }): string {
    const at = this.now();
    const insert = this.sql(
      `INSERT INTO runs (id, started_at, status, dry_run, "full", pid, host)
       VALUES (?, ?, 'running', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
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
      if (inserted.changes === 1) {
        this.started.add(id);
        return id;
      }
    }
  }

  /** Records how a run ended; with its outcome, what it cost and tallied too (one transaction). */
  finish(runId: string, status: StoredRunStatus, counts: object, error?: string, outcome?: RunOutcome): void {
    this.transaction(() => {
      this.sql(
        `UPDATE runs SET finished_at = ?, status = ?, counts = ?, error = ?, duration_ms = ?, error_code = ?, error_system = ?
         WHERE id = ?`,
      ).run(
        this.iso(),
        status,
        JSON.stringify(counts),
        error === undefined ? null : this.mask(error),
        outcome ? Math.round(outcome.durationMs) : null,
        outcome?.error?.code ?? null,
        outcome?.error?.system ?? null,
        runId,
      );
      if (!outcome) return;
      const call = this.sql(
        `INSERT INTO run_calls (run_id, system, calls, retries, throttled, daily_used, daily_limit)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, system) DO UPDATE SET calls = excluded.calls, retries = excluded.retries,
           throttled = excluded.throttled, daily_used = excluded.daily_used, daily_limit = excluded.daily_limit`,
      );
      for (const [system, s] of Object.entries(outcome.calls))
        call.run(runId, system, s.calls, s.retries, s.throttled, s.daily?.used ?? null, s.daily?.limit ?? null);
      const tally = new Map<string, { system: SystemId; role: string; result: string; count: number }>();
      for (const c of outcome.changes) {
        const key = `${c.system}\u0000${c.role}\u0000${c.result}`;
        const row = tally.get(key) ?? { system: c.system, role: c.role, result: c.result, count: 0 };
        row.count++;
        tally.set(key, row);
      }
      const change = this.sql(
        `INSERT INTO run_changes (run_id, system, role, result, count) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, system, role, result) DO UPDATE SET count = excluded.count`,
      );
      for (const t of tally.values()) change.run(runId, t.system, t.role, t.result, t.count);
    });
  }

  /** What one run cost per system (none for runs older than schema 9, or still running). */
  callsOf(runId: string): Record<SystemId, ConnectorStats> {
    const rows = this.sql(
      'SELECT system, calls, retries, throttled, daily_used, daily_limit FROM run_calls WHERE run_id = ? ORDER BY system',
    ).all(runId) as unknown as RawRunCalls[];
    return Object.fromEntries(rows.map((r) => [r.system, connectorStats(r)]));
  }

  list(limit = 20): RunRow[] {
    return (
      this.sql('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?').all(limit) as unknown as RawRun[]
    ).map(runRow);
  }

  get(id: string): RunRow | undefined {
    const row = this.sql('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
    return row ? runRow(row) : undefined;
  }

  /**
   * Marks runs left `running` by a process that no longer exists (this host) or that
   * went silent for longer than the TTL (another host) as failed with error
   * `interrupted`. Returns their ids.
   */
  abandonStale(): string[] {
    const now = this.now();
    const dead = this.runningRuns().filter((r) => this.gone(r, now));
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

  private runningRuns(): RunningRun[] {
    return this.sql(
      `SELECT id, pid, host, COALESCE(heartbeat_at, started_at) AS "seenAt", dry_run AS "dryRun"
       FROM runs WHERE status = 'running'`,
    ).all() as unknown as RunningRun[];
  }

  /**
   * Whether a running run is gone. A sync under a session lock is alive exactly while it
   * is the lock's holder and some session holds the lock; a dry run (it takes no lock), or
   * any run without a session lock, by its pid on this host or its silence elsewhere.
   */
  private gone(run: RunningRun, now: Date): boolean {
    if (this.session && run.dryRun === 0) {
      // This session's own runs live as long as it does (one has not taken the lock yet).
      if (this.started.has(run.id)) return false;
      const alive = this.lockRow()?.runId === run.id && (this.session.holding || this.session.heldElsewhere());
      return !alive;
    }
    return isAbandoned(run, now, this.lockTtlMs);
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

  recordChanges(runId: string, rows: ChangeRow[]): void {
    const at = this.iso();
    this.transaction(() =>
      this.insertAll(
        `INSERT INTO changes (run_id, account, account_name, role, system, record_id, from_email, from_value, to_email, reason, result, error, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        rows.map((r) => [
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
        ]),
      ),
    );
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

  /**
   * One run per store: takes the single-row lock in a write transaction, so of two
   * racing runs exactly one wins. A lock whose holder is gone (dead pid on this host,
   * or silent past the TTL from another host) is taken over. Taking a lock this run
   * already holds succeeds.
   */
  acquireLock(owner: { runId: string; pid: number; host: string }): { ok: true } | { ok: false; heldBy: LockHolder } {
    const now = this.now();
    if (this.session && !this.session.tryHold()) {
      const holder = this.lockHolder();
      return {
        ok: false,
        heldBy: holder ?? { runId: '(starting)', pid: 0, host: 'another session', since: now.toISOString() },
      };
    }
    return this.transaction(() => {
      const held = this.lockRow();
      if (held?.runId === owner.runId) return { ok: true as const };
      // Holding the session lock, whoever the row names has let it go: it is taken over.
      if (
        held &&
        !this.session &&
        !isAbandoned({ ...held, seenAt: held.heartbeatAt ?? held.since }, now, this.lockTtlMs)
      ) {
        return { ok: false as const, heldBy: { runId: held.runId, pid: held.pid, host: held.host, since: held.since } };
      }
      this.sql(
        `INSERT INTO lock (id, run_id, pid, host, since, heartbeat_at) VALUES (1, ?, ?, ?, ?, NULL)
         ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, pid = excluded.pid, host = excluded.host,
           since = excluded.since, heartbeat_at = NULL`,
      ).run(owner.runId, owner.pid, owner.host, now.toISOString());
      return { ok: true as const };
    });
  }

  /** Lets the lock go if this run holds it (a run never frees another's lock). */
  releaseLock(runId: string): void {
    const released = this.sql('DELETE FROM lock WHERE id = 1 AND run_id = ?').run(runId);
    if (Number(released.changes) === 1) this.session?.release();
  }

  /** Who holds the lock now, if anyone (it may be abandoned: acquireLock decides). */
  lockHolder(): LockHolder | undefined {
    const held = this.lockRow();
    return held ? { runId: held.runId, pid: held.pid, host: held.host, since: held.since } : undefined;
  }

  private lockRow(): (LockHolder & { heartbeatAt: string | null }) | undefined {
    return this.sql(
      'SELECT run_id AS "runId", pid, host, since, heartbeat_at AS "heartbeatAt" FROM lock WHERE id = 1',
    ).get() as (LockHolder & { heartbeatAt: string | null }) | undefined;
  }

  /** Runs still running and not abandoned: their open journal entries are theirs to settle. */
  liveRunIds(): Set<string> {
    const now = this.now();
    return new Set(
      this.runningRuns()
        .filter((r) => !this.gone(r, now))
        .map((r) => r.id),
    );
  }
}

interface RunningRun {
  id: string;
  pid: number;
  host: string;
  seenAt: string;
  dryRun: number;
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
  duration_ms: number | null;
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
    durationMs: r.duration_ms,
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
    reason: r.reason as ChangeReason,
    result: r.result,
    error: r.error ? (JSON.parse(r.error) as ChangeRow['error']) : null,
  };
}

interface RawRunCalls {
  system: SystemId;
  calls: number;
  retries: number;
  throttled: number;
  daily_used: number | null;
  daily_limit: number | null;
}

function connectorStats(r: RawRunCalls): ConnectorStats {
  const stats: ConnectorStats = { calls: r.calls, retries: r.retries, throttled: r.throttled };
  if (r.daily_used !== null && r.daily_limit !== null) stats.daily = { used: r.daily_used, limit: r.daily_limit };
  return stats;
}
