import { DatabaseSync } from 'node:sqlite';
import { AdminActions } from './admin-actions.ts';
import { Baselines } from './baselines.ts';
import { OwnershipHistory } from './history.ts';
import { IntentJournal } from './intent-journal.ts';
import { Mirror } from './mirror.ts';
import { Outbox } from './outbox.ts';
import { OwnershipState } from './ownership-state.ts';
import { PlanScratch } from './plan-scratch.ts';
import { advisoryLock } from './postgres/advisory-lock.ts';
import type { PostgresOptions } from './postgres/postgres-db.ts';
import { openPostgres } from './postgres/prepare-postgres.ts';
import { prepare } from './prepare-db.ts';
import { DEFAULT_LOCK_TTL_MS, RunLog, type SessionLock } from './run-log.ts';
import { RunMetrics } from './run-metrics.ts';
import { type SqlDb, sqliteDb } from './sql-db.ts';
import { openStateFile } from './state-file.ts';
import { StoreDb } from './store-db.ts';

/**
 * Where a config's state lives: a SQLite file (the default, one host), or a tenant's
 * schema in a Postgres database that many configs and hosts share.
 */
export type StateLocation = { sqlite: string } | { postgres: string; tenant: string };

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
  /** Postgres only: connect and statement timeouts. */
  postgres?: PostgresOptions;
}

/**
 * spoc's memory between runs, in one SQLite file (node:sqlite) or a tenant's schema in
 * Postgres (postgres/), one part per concern:
 * the run log and lock, the mirror of the vendors, the baselines, the write-intent
 * journal, the ownership history, the console's read model and the admin actions (see
 * docs/ARCHITECTURE.md, "The state store"). Every method is synchronous and each
 * multi-row write is one transaction.
 */
export class StateStore {
  private readonly db: SqlDb;
  private readonly store: StoreDb;
  /** Runs, their audit, and the lock that keeps two runs apart. */
  readonly runs: RunLog;
  /** What the runs add up to (outcomes, changes, vendor calls, durations), for /metrics and /readyz. */
  readonly metrics: RunMetrics;
  /** Every account record and the people each system holds, and each system's cursors. */
  readonly mirror: Mirror;
  /** What spoc last saw agreed or wrote, per (system, record, role). */
  readonly baselines: Baselines;
  /** Writes recorded before they are sent, and the cascades they ask for. */
  readonly journal: IntentJournal;
  /** Who owned each account and role, when, and why it changed. */
  readonly history: OwnershipHistory;
  /** The console's read model (latest ownership per account and role, people, trend). */
  readonly ownership: OwnershipState;
  /** Admin actions from the console and the overrides they leave for the next sync. */
  readonly actions: AdminActions;
  /** Handover notices and run alerts waiting to be delivered (or delivered), and the run problems raised. */
  readonly outbox: Outbox;
  /** What a sync planning the book in parts keeps out of memory: its decisions, the records planned. */
  readonly planning: PlanScratch;
  /** What went wrong at open without stopping it (a daily backup that failed), for the caller to log. */
  readonly warnings: string[] = [];

  constructor(location: string | StateLocation, options: StoreOptions = {}) {
    const now = options.now ?? (() => new Date());
    const where = typeof location === 'string' ? { sqlite: location } : location;
    let session: SessionLock | undefined;
    if ('postgres' in where) {
      const db = openPostgres(where.postgres, where.tenant, options.postgres);
      session = advisoryLock(db, `spoc-run:${where.tenant}`);
      this.db = db;
    } else {
      this.db = sqliteDb(openSqlite(where.sqlite, now, options, this.warnings));
    }
    const store = new StoreDb(this.db, now, options.mask ?? ((text) => text));
    this.store = store;
    this.runs = new RunLog(store, options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS, session);
    this.metrics = new RunMetrics(store);
    this.mirror = new Mirror(store);
    this.baselines = new Baselines(store);
    this.journal = new IntentJournal(store, () => this.runs.liveRunIds());
    this.history = new OwnershipHistory(store);
    this.ownership = new OwnershipState(store);
    this.actions = new AdminActions(store);
    this.outbox = new Outbox(store);
    this.planning = new PlanScratch(store);
  }

  /**
   * Runs `work` in one write transaction: every write of the store's parts inside it
   * lands together or not at all (a run's record phase and the notices it queues).
   */
  transaction<T>(work: () => T): T {
    return this.store.transaction(work);
  }

  /** Closes the database; closing twice is harmless. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

export function openStore(location: string | StateLocation, options: StoreOptions = {}): StateStore {
  return new StateStore(location, options);
}

/** The state file at `path`, checked, backed up and migrated (':memory:' for a throwaway one). */
function openSqlite(path: string, now: () => Date, options: StoreOptions, warnings: string[]): DatabaseSync {
  if (path === ':memory:') {
    const db = new DatabaseSync(path);
    prepare(db, path, {});
    return db;
  }
  const backups =
    options.backups === false
      ? { daily: false, beforeMigration: false }
      : { daily: options.backups?.daily ?? true, beforeMigration: true };
  const opened = openStateFile(path, (db) => prepare(db, path, {}));
  try {
    warnings.push(
      ...prepare(opened.db, path, {
        check: true,
        ...(opened.existed && backups.daily ? { daily: now() } : {}),
        beforeMigration: backups.beforeMigration,
      }),
    );
  } catch (error) {
    opened.db.close();
    throw error;
  }
  return opened.db;
}
