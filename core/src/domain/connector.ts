import type { Logger } from 'pino';
import type { AccountRecord, AssignmentWrite, Cursor, PersonRecord, SystemId, WriteResult } from './types.ts';

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

/** Contact cascade: each account's contacts take the account's owner (owner-type fields only). */
export interface ContactOwnerUpdate {
  accountRecordId: string;
  ownerId: string;
}

/** Open-ticket handover: unsolved tickets of the account assigned to `fromId` move to `toId`. */
export interface TicketHandover {
  accountRecordId: string;
  fromId: string;
  toId: string;
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
  cascadeContacts?(updates: ContactOwnerUpdate[], signal?: AbortSignal): Promise<CascadeResult[]>;
  handOverOpenTickets?(handovers: TicketHandover[], signal?: AbortSignal): Promise<CascadeResult[]>;
  stats(): ConnectorStats;
}

/** What a connector factory receives besides its own system config. */
export interface ConnectorContext {
  /** Already bound to the system (`system` is in every line): do not bind or pass it again. */
  logger: Logger;
  /** Role name → this system's field mapping for that role (from the config). */
  roles: Record<string, RoleFieldMapping>;
  /** Vendor field names holding cross-references, to be read into `AccountRecord.xrefs`. */
  xrefFields: string[];
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
