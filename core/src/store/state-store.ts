import { DatabaseSync } from 'node:sqlite';
import { AdminActions } from './admin-actions.ts';
import { Baselines } from './baselines.ts';
import { OwnershipHistory } from './history.ts';
import { IntentJournal } from './intent-journal.ts';
import { Mirror } from './mirror.ts';
import { Outbox } from './outbox.ts';
import { OwnershipState } from './ownership-state.ts';
import { prepare } from './prepare-db.ts';
import { DEFAULT_LOCK_TTL_MS, RunLog } from './run-log.ts';
import { RunMetrics } from './run-metrics.ts';
import { openStateFile } from './state-file.ts';
import { StoreDb } from './store-db.ts';

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

/**
 * spoc's memory between runs, in one SQLite file (node:sqlite), one part per concern:
 * the run log and lock, the mirror of the vendors, the baselines, the write-intent
 * journal, the ownership history, the console's read model and the admin actions (see
 * docs/ARCHITECTURE.md, "The state store"). Every method is synchronous and each
 * multi-row write is one transaction.
 */
export class StateStore {
  private readonly db: DatabaseSync;
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
  /** What went wrong at open without stopping it (a daily backup that failed), for the caller to log. */
  readonly warnings: string[] = [];

  constructor(path: string, options: StoreOptions = {}) {
    const now = options.now ?? (() => new Date());
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
          ...(opened.existed && backups.daily ? { daily: now() } : {}),
          beforeMigration: backups.beforeMigration,
        });
      } catch (error) {
        this.db.close();
        throw error;
      }
    }
    const store = new StoreDb(this.db, now, options.mask ?? ((text) => text));
    this.store = store;
    this.runs = new RunLog(store, options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS);
    this.metrics = new RunMetrics(store);
    this.mirror = new Mirror(store);
    this.baselines = new Baselines(store);
    this.journal = new IntentJournal(store, () => this.runs.liveRunIds());
    this.history = new OwnershipHistory(store);
    const transaction = <T>(work: () => T): T => store.transaction(work);
    this.ownership = new OwnershipState(this.db, transaction);
    this.actions = new AdminActions(this.db, transaction, now);
    this.outbox = new Outbox(store);
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

export function openStore(path: string, options: StoreOptions = {}): StateStore {
  return new StateStore(path, options);
}
