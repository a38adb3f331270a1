import type { Logger } from 'pino';
import type { SpocConfig } from '../config/types.ts';
import type { Connector, ConnectorStats } from '../domain/connector.ts';
import type { CascadeKind, IssueKind, PlannedChange, SystemId } from '../domain/types.ts';
import type { NoticeChannel } from '../notify/notice.ts';
import type { StateStore } from '../store/state-store.ts';

export interface RunDeps {
  config: SpocConfig;
  connectors: Connector[];
  store: StateStore;
  logger: Logger;
  /**
   * The notice channels (Slack, Teams) by their configured names, built by the caller as
   * connectors are. Without them, notices are queued and wait in the outbox.
   */
  channels?: NoticeChannel[];
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
  /** The config file as the user named it, for the command a refusal alert suggests (default: its absolute path). */
  configPath?: string;
}

export type ProgressEvent =
  | { phase: 'read'; system: SystemId; what: 'people' | 'accounts'; records: number }
  | { phase: 'write'; system: SystemId; done: number; total: number };

export type RunStatus = 'ok' | 'partial' | 'refused' | 'failed';

/** The `--json` document of `plan` and `sync` (docs/ARCHITECTURE.md, "The CLI contract"): add fields, never rename. */
export interface RunReport {
  runId: string;
  status: RunStatus;
  dryRun: boolean;
  counts: {
    accounts: number;
    /**
     * Set when the run decided only the accounts touched since the last run (the others
     * stand as it left them, in the console): how many it decided. The issue counts and
     * `issues` are theirs.
     */
    planned?: number;
    /** Writes planned (one per system). */
    changes: number;
    /** Account-roles those writes re-own, and the account-roles in scope: what safety.maxChanges counts. */
    accountRoles: number;
    inScope: number;
    written: number;
    failed: number;
    conflicts: number;
    unresolvable: number;
    ambiguous: number;
    ambiguousPeople: number;
    missing: number;
    config: number;
  };
  changes: (Pick<
    PlannedChange,
    'account' | 'accountName' | 'role' | 'system' | 'recordId' | 'from' | 'to' | 'reason'
  > & {
    /** What the field held when it names no known person (its text, or an unknown id). */
    fromValue?: string;
    result: 'planned' | 'written' | 'failed';
    error?: string;
  })[];
  issues: {
    kind: IssueKind;
    account: string;
    accountName?: string;
    role?: string;
    system?: SystemId;
    detail: string;
  }[];
  /** Why the run was refused or failed, when it was. */
  message?: string;
  /** The error that failed the run (its kind decides the exit code). */
  error?: { code: string; kind: string };
  /** What the cascades would move (previewed before any write): per account, with totals. */
  cascadePlan?: {
    /** Records this plan's owner changes would move. */
    totals: Record<CascadeKind, number>;
    /** Records of cascades a stopped run left open, finished by this run. */
    resumed: Record<CascadeKind, number>;
    accounts: {
      account: string;
      accountName: string;
      role: string;
      system: SystemId;
      kind: CascadeKind;
      records: number;
      resumed?: true;
    }[];
    problems: { account: string; system: SystemId; code: string; message: string }[];
  };
  /** What the cascades did. */
  cascades?: { kind: CascadeKind; system: SystemId; updated: number; failed: number }[];
  calls?: Record<SystemId, ConnectorStats>;
  durationMs?: number;
  /**
   * Handover notices and run alerts: queued by this run, sent and failed (attempts, this
   * run's and earlier runs' notices), and pending in the outbox afterwards.
   */
  notices?: { queued: number; sent: number; failed: number; pending: number };
}
