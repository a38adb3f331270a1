/**
 * What spoc tells people (issue 20): a handover of an account-role to a new point of
 * contact, a digest of many handovers, and a run problem raised or cleared. Core builds
 * these from a run and keeps them in the store's outbox; a `NoticeChannel` (Slack, Teams,
 * in @spoc/notify) renders and delivers them. Names here are data from the CRMs: a
 * channel escapes them for its own markup.
 */

/** A person as spoc knows them: canonical email, and a display name when a system gave one. */
export interface NoticePerson {
  email: string;
  name?: string;
}

/** A link to a record in one system's UI. */
export interface NoticeLink {
  /** The system's display label ("Salesforce"). */
  label: string;
  url: string;
}

/** Why the point of contact changed, in words an account manager understands. */
export type HandoverWhy =
  /** A deciding system (by its label) holds a new owner; `changedBy` is who changed it there, when the vendor says. */
  | { kind: 'decided'; system: string; changedBy?: string }
  /** The previous POC left (inactive or unknown in the deciding system): the configured fallback stands in. */
  | { kind: 'fallback'; system: string; previousState: 'inactive' | 'unknown' | 'empty' }
  /** An admin handed over or settled the account in the console. */
  | { kind: 'admin'; action: 'handover' | 'settled'; by?: string };

export interface HandoverNotice {
  kind: 'handover';
  /** spoc's account key. */
  account: string;
  accountName: string;
  /** The account's record in each system that holds it. */
  links: NoticeLink[];
  role: string;
  /** Null when nobody (or an unknown value) held the role before. */
  previous: NoticePerson | null;
  next: NoticePerson;
  why: HandoverWhy;
  /** The open tickets moved to the new POC with this handover (`url` where the system's definition gives one). */
  tickets: { label: string; id: string; url?: string }[];
  /** The console's page of the run that made the handover, when `notify.consoleUrl` is set. */
  runUrl?: string;
}

export interface HandoverDigest {
  kind: 'digest';
  runId: string;
  /** The console's page of the run, when `notify.consoleUrl` is set. */
  runUrl?: string;
  handovers: HandoverNotice[];
}

export type RunProblem =
  /** The run failed (`message` says why). */
  | 'failed'
  /** The safety guard refused the plan (`counts` and `command` say how to force it). */
  | 'refused'
  /** Record-level failures above the configured threshold. */
  | 'record-failures'
  /** A system refused spoc's credentials. */
  | 'credentials'
  /** A system's daily API budget ran out. */
  | 'daily-budget';

export interface RunAlert {
  kind: 'run';
  problem: RunProblem;
  /** Raised the first run it is seen; cleared the first run it is gone. Never repeated in between. */
  state: 'raised' | 'cleared';
  runId: string;
  /** The system concerned, for credentials and daily budget. */
  system?: string;
  message: string;
  /** For a refusal: planned account-roles vs the limit; for failures: failed vs written. */
  counts?: Record<string, number>;
  /** What to run to go past a refusal (`spoc sync --force -c spoc.yaml`). */
  command?: string;
  runUrl?: string;
}

export type Notice = HandoverNotice | HandoverDigest | RunAlert;

/** One notice to one destination: a channel, or a direct message to one person through it. */
export interface OutgoingNotice {
  /** Unique per change and destination: the idempotency key of the outbox. */
  key: string;
  /** The configured channel's name. */
  channel: string;
  /** Set for a direct message (Slack): the person it goes to. */
  recipient?: NoticePerson;
  notice: Notice;
}

/**
 * A delivery that did not happen; `retryAfterMs` when the service said when to come back
 * (the channel gets nothing more this run), `permanent` when trying again cannot help
 * (a channel or user that does not exist, a revoked token): the notice is then given up.
 */
export class NoticeDeliveryError extends Error {
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;
  constructor(message: string, retryAfterMs?: number, options: { permanent?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NoticeDeliveryError';
    this.retryAfterMs = retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/** A configured destination that delivers notices (built by @spoc/notify from the config). */
export interface NoticeChannel {
  readonly name: string;
  /** Delivers one notice, or throws (a NoticeDeliveryError when the service refused). */
  deliver(notice: OutgoingNotice): Promise<void>;
  /**
   * For `spoc check`: whether the service accepts the credentials and grants what the
   * channel needs, without posting anything. Absent where only a post could tell (a webhook).
   */
  check?(): Promise<{ problems: string[] }>;
}
