import type { Logger } from 'pino';
import type {
  AccountRecord,
  AssignmentWrite,
  CascadeKind,
  Cursor,
  PersonRecord,
  SystemId,
  WriteResult,
} from './types.ts';

/** What a connector reports from `check()`. */
export interface CheckResult {
  ok: boolean;
  /** Human-readable problems (missing scope, missing field…), empty when ok. */
  problems: string[];
  /** Free-form facts worth logging (API version, plan limits…). */
  details?: Record<string, string | number>;
}

export interface ReadQuery {
  /** null = full read; otherwise the cursor the previous run stored. */
  since: Cursor | null;
  signal?: AbortSignal;
}

export interface AccountPage {
  records: AccountRecord[];
  /** Resume point after this page; stored only once the run has used the page. */
  cursor: Cursor;
  /** Records the connector could not map (bad vendor data): reported, not fatal. */
  rejected?: { id: string; reason: string }[];
}

/**
 * A cascade one owner change asks for in one account record: `contacts` (every contact of
 * the account takes the new owner) or `openTickets` (the unsolved tickets the previous
 * POC, `fromId`, holds there move to the new one, `toId`).
 */
export interface CascadeRequest {
  kind: CascadeKind;
  accountRecordId: string;
  /** Previous owner's id in this system; openTickets only moves what they hold (null: nothing moves). */
  fromId: string | null;
  toId: string;
}

/** One record (a contact, a ticket) a cascade would move to `toId`. */
export interface CascadeMove {
  kind: CascadeKind;
  accountRecordId: string;
  /** The contact's or ticket's id. */
  id: string;
  toId: string;
}

/**
 * What the requests would move, read before anything is written so `plan` can show it
 * and the guard can count it. `problems`: what the preview could not see (e.g. a
 * search capped below the real number of tickets), per account.
 */
export interface CascadePreview {
  moves: CascadeMove[];
  problems: { accountRecordId: string; code: string; message: string }[];
}

/** Result of a cascade for one account: how many records moved, and any per-record failures. */
export interface CascadeResult {
  accountRecordId: string;
  updated: number;
  failed: { id: string; error: { code: string; kind: string; message: string } }[];
}

/** Calls made and throttling seen, for benchmarks and the run summary. */
export interface ConnectorStats {
  calls: number;
  retries: number;
  throttled: number;
  /**
   * The vendor's daily API allocation as last seen, where it reports one: requests used
   * (by every integration of the account or org, as the vendor counts them) of the limit.
   */
  daily?: { used: number; limit: number };
}

/**
 * The contract every vendor connector implements. Core owns it; connectors own
 * pagination, batching, rate limits, retries and mapping vendor errors to SpocError.
 */
export interface Connector {
  readonly system: SystemId;
  check(signal?: AbortSignal): Promise<CheckResult>;
  /** All people (active and inactive), page by page. */
  listPeople(signal?: AbortSignal): AsyncIterable<PersonRecord[]>;
  /** Accounts: all of them when `since` is null, else those modified since the cursor. */
  readAccounts(query: ReadQuery): AsyncIterable<AccountPage>;
  /**
   * Records one write call takes, when a write batch sent in several calls should be
   * a multiple of it (the runner rounds its batches down to one, so none leaves a call part-full).
   */
  readonly writeCallSize?: number;
  /** Writes role values; batched inside; one result per input, in input order. */
  writeAssignments(writes: AssignmentWrite[], signal?: AbortSignal): Promise<WriteResult[]>;
  /** The cascade kinds this connector carries out (its capability); the others are never asked of it. */
  readonly cascades?: readonly CascadeKind[];
  /** Reads only: which records the requests would move (records already held by the target are left out). */
  previewCascade?(requests: CascadeRequest[], signal?: AbortSignal): Promise<CascadePreview>;
  /** Writes the moves; one result per account record, in the order accounts first appear. */
  applyCascade?(moves: CascadeMove[], signal?: AbortSignal): Promise<CascadeResult[]>;
  /** How many records of `kind` the system holds (contacts; unsolved tickets), for a percentage maxCascade. */
  countCascadeScope?(kind: CascadeKind, signal?: AbortSignal): Promise<number>;
  /**
   * Who last changed each record's role field, where the vendor keeps that history (for
   * handover notices). Records and roles it knows nothing of are left out; never throws
   * for a record, only for the call.
   */
  whoChanged?(requests: ChangeQuery[], signal?: AbortSignal): Promise<ChangeAuthor[]>;
  stats(): ConnectorStats;
}

/** One record's role field whose last change a handover notice wants to attribute. */
export interface ChangeQuery {
  recordId: string;
  role: string;
}

/** Who made the last change to a record's role field: a person of the system, or a named source. */
export interface ChangeAuthor {
  recordId: string;
  role: string;
  /** The person's id in this system (as listPeople gives it), when a person made it. */
  personId?: string;
  /** Otherwise what made it, in words ("a HubSpot workflow", "an integration"). */
  via?: string;
}

/** What a connector factory receives besides its own system config. */
export interface ConnectorContext {
  /** Already bound to the system (`system` is in every line): do not bind or pass it again. */
  logger: Logger;
  /** Role name → this system's field mapping for that role (from the config). */
  roles: Record<string, RoleFieldMapping>;
  /** Vendor field names holding cross-references, to be read into `AccountRecord.xrefs`. */
  xrefFields: string[];
  /** Cascades a role asks of this system (check() then also proves what they need). */
  cascades: CascadeKind[];
}

/**
 * The config's field mapping for one role in one system, as the connector needs it.
 * `field` is the vendor's field/property name; `value` says whether it holds a
 * person id (lookup/owner field) or an email (text field).
 */
export interface RoleFieldMapping {
  field: string;
  value: 'id' | 'email';
}
