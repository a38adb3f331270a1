import type { Logger } from 'pino';
import type { SpocConfig } from '../config/types.ts';
import type { Connector, ConnectorStats } from '../domain/connector.ts';
import type { IssueKind, SystemId } from '../domain/types.ts';
import type { StateStore } from '../store/state-store.ts';

export interface RunDeps {
  config: SpocConfig;
  connectors: Connector[];
  store: StateStore;
  logger: Logger;
}

export interface RunOptions {
  /** Plan only: no vendor write, nothing persisted but the run record. */
  dryRun: boolean;
  /** Ignore cursors and read every account. */
  full: boolean;
  /** Apply even when the safety guard trips. */
  force: boolean;
  /** Aborting stops between write batches: the current batch finishes, the rest stays planned. */
  signal?: AbortSignal;
  now?: () => Date;
  onProgress?: (event: ProgressEvent) => void;
  /** Writes handed to a connector at once (each batch is journaled first). */
  batchSize?: number;
}

export type ProgressEvent =
  | { phase: 'read'; system: SystemId; what: 'people' | 'accounts'; records: number }
  | { phase: 'write'; system: SystemId; done: number; total: number };

export type RunStatus = 'ok' | 'partial' | 'refused' | 'failed';

/** The `--json` document of `plan` and `sync` (DESIGN.md §6): add fields, never rename. */
export interface RunReport {
  runId: string;
  status: RunStatus;
  dryRun: boolean;
  counts: {
    accounts: number;
    changes: number;
    written: number;
    failed: number;
    conflicts: number;
    unresolvable: number;
    ambiguous: number;
    missing: number;
  };
  changes: {
    account: string;
    role: string;
    system: SystemId;
    recordId: string;
    from: string | null;
    to: string;
    reason: string;
    result: 'planned' | 'written' | 'failed';
    error?: string;
  }[];
  issues: { kind: IssueKind; account: string; role?: string; system?: SystemId; detail: string }[];
  /** Why the run was refused or failed, when it was. */
  message?: string;
  /** The error that failed the run (its kind decides the exit code). */
  error?: { code: string; kind: string };
  cascades?: { kind: 'contacts' | 'openTickets'; system: SystemId; updated: number; failed: number }[];
  calls?: Partial<Record<SystemId, ConnectorStats>>;
  durationMs?: number;
}
