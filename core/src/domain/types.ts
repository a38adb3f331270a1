/**
 * spoc's domain, free of any vendor field name. Connectors map vendor records to
 * these types in their mapping.ts; the engine, the store and the CLI only see these.
 */

/** A system's id as its connector definition registers it (see registry/definition.ts). */
export type SystemId = string;

/** A user of one system who can be a POC (a CRM's owner or user, a help desk's agent). */
export interface PersonRecord {
  system: SystemId;
  /** The vendor's id, as a string. */
  id: string;
  /** Email as the vendor holds it (not yet canonical); null when the vendor has none. */
  email: string | null;
  /** False for archived owners, inactive Users, inactive or suspended agents. */
  active: boolean;
  name?: string;
}

/**
 * What a role field holds in one system: a person's vendor id (owner/lookup fields)
 * or an email (text fields), or nothing.
 */
export type OwnerValue = { id: string } | { email: string } | null;

/** A customer organisation in one system (a CRM's company or account, a help desk's organization). */
export interface AccountRecord {
  system: SystemId;
  id: string;
  name: string;
  /** Raw domain/website values as the vendor holds them; the engine normalises them. */
  domains: string[];
  /** Cross-reference values keyed by the vendor field name the config names. */
  xrefs: Record<string, string | null>;
  /** Role name → value of that role's configured field. Roles not configured for this system are absent. */
  roles: Record<string, OwnerValue>;
  /** ISO-8601 last-modified time as the vendor reports it, when it does. */
  modifiedAt: string | null;
}

/** One system's record of a contact, for the contact cascade. */
export interface ContactRecord {
  system: SystemId;
  id: string;
  accountId: string;
  ownerId: string | null;
}

/** Opaque, connector-defined resume point for incremental reads (stored as-is). */
export type Cursor = string;

/** An internal person, identified by canonical email, with their identity in each system. */
export interface Person {
  email: string;
  name: string | null;
  /** Per system: vendor id and active state. Absent = unknown in that system. */
  systems: Record<SystemId, { id: string; active: boolean }>;
}

/** Everything the planner needs to know about the current state of the three systems. */
export interface Snapshot {
  people: PersonRecord[];
  accounts: AccountRecord[];
}

/**
 * What spoc last saw agreed or wrote, per (system, record, role), as a canonical
 * email or null. Keyed by record (not by account group) so it survives relinking.
 */
export interface BaselineEntry {
  system: SystemId;
  recordId: string;
  role: string;
  value: string | null;
  /** When spoc recorded it (ISO-8601). */
  at: string;
  /**
   * spoc wrote this value as the role's fallback (the decided owner could not be held
   * there). A stand-in never decides, or it would flip the next decision.
   */
  standIn?: boolean;
  /** The owner spoc decided for this account and role when it recorded the entry. */
  decided?: string;
}

/** Baseline entries by baselineKey: a Map, or the store's lookup (a run never loads them all). */
export interface Baseline {
  get(key: string): BaselineEntry | undefined;
  /**
   * A hint: the planner is about to ask for these records' entries (every role), so a
   * store can read them in one query rather than one per entry. Never changes what get()
   * answers, provided nothing writes the baseline in between (planning writes nothing).
   */
  prefetch?(records: readonly { system: SystemId; recordId: string }[]): void;
}

export function baselineKey(system: SystemId, recordId: string, role: string): string {
  return `${system}\u0000${recordId}\u0000${role}`;
}

/** Why a change is planned. */
export type ChangeReason =
  | 'authority'
  | 'priority'
  | 'propagate'
  | 'conflict:priority'
  | 'conflict:latest'
  | 'fallback:inactive'
  | 'fallback:unknown'
  | 'fallback:empty'
  /** An admin settled the role's owner (console), overriding the policy once. */
  | 'settled'
  /** An admin handed one person's accounts over to another (console). */
  | 'handover';

/**
 * An admin's decision for one account and role, applied by the next sync in place of
 * the policy, then dropped once every system holds it.
 */
export interface OwnerOverride {
  email: string;
  reason: 'settled' | 'handover';
  /** Also move the previous POC's open tickets (where a system hands tickets over), whatever the role's cascade says. */
  openTickets: boolean;
}

export function overrideKey(account: string, role: string): string {
  return `${account}\u0000${role}`;
}

/** One write the plan wants: set `role` on `recordId` in `system` from one person to another. */
export interface PlannedChange {
  /** spoc's stable account key (see linking). */
  account: string;
  accountName: string;
  role: string;
  system: SystemId;
  recordId: string;
  /** Canonical emails; null = empty / not a known person. */
  from: string | null;
  to: string;
  /** The value currently in the field (vendor id or email), for handover and audit. */
  fromValue: OwnerValue;
  /** The target person's id in this system (always known: spoc never writes an unresolved person). */
  toId: string;
  reason: ChangeReason;
}

/**
 * `ambiguous`: records that cannot be linked safely; `ambiguous-person`: one email held by
 * several users of one system, none or several active (nothing involving them is written
 * there); `config`: a setting the data read cannot satisfy (a fallback nobody is).
 */
export type IssueKind = 'conflict' | 'unresolvable' | 'ambiguous' | 'ambiguous-person' | 'missing' | 'config';

export interface PlanIssue {
  kind: IssueKind;
  /** The account key; '' for an issue of the config itself (kind `config`). */
  account: string;
  /** The account's name (its key record's), when the issue is about an account. */
  accountName?: string;
  role?: string;
  system?: SystemId;
  detail: string;
}

/**
 * Per account and role, what each system holds and what spoc decided (feeds `report`).
 * `fallback`: every system holds what spoc would write, but in at least one of them that
 * is the role's fallback stand-in, not the decided owner (or nothing could be decided
 * and the fallback holds the role).
 */
export type RoleStatus = 'consistent' | 'fallback' | 'drift' | 'conflict' | 'unresolvable' | 'missing';

export const ROLE_STATUSES: readonly RoleStatus[] = [
  'consistent',
  'fallback',
  'drift',
  'conflict',
  'unresolvable',
  'missing',
];

export interface RoleDecision {
  role: string;
  status: RoleStatus;
  /** Canonical email per system (null = empty or unknown person); absent = account not in that system. */
  owners: Record<SystemId, string | null>;
  /** Per system whose field holds something that names no known person: that value as held (text or id). */
  unknown?: Record<SystemId, string>;
  /** The decided owner, or null when nothing could be decided. */
  decided: string | null;
  /**
   * The system whose value decided (the authority, the first holder in priority, the
   * changed side of a two-way role), or whose holder could not decide when the fallback
   * stands in. Absent for an admin's override or a fallback no one system caused.
   */
  decidedBy?: SystemId;
  /** The status once every planned change is written (`status` itself says `drift` until then). */
  settled: RoleStatus;
}

export interface AccountDecision {
  account: string;
  name: string;
  records: Record<SystemId, string>;
  roles: RoleDecision[];
}

/** Records that follow an account's owner change: its contacts, or its open tickets held by the previous POC. */
export type CascadeKind = 'contacts' | 'openTickets';

/** A follow-up for a change once it is written (contact owners, open-ticket handover). */
export interface CascadeStep {
  kind: CascadeKind;
  system: SystemId;
  account: string;
  recordId: string;
  role: string;
  /** Previous owner's id in this system (handover only moves tickets held by them). */
  fromId: string | null;
  toId: string;
}

export interface Plan {
  /** Accounts (linked groups) of the book. */
  accounts: number;
  /**
   * Set when the plan decided only the accounts touched since the last run: how many it
   * decided. `decisions`, `issues` are theirs; the others stand as the last run left them.
   */
  planned?: number;
  changes: PlannedChange[];
  issues: PlanIssue[];
  decisions: AccountDecision[];
  /** Cascades to run for each change, once that change is written. */
  cascades: CascadeStep[];
  /** Admin overrides (by overrideKey) this plan decided by, for the runner to settle once written. */
  overridden: string[];
  /** What the safety guard counted: account-roles changing (overrides excluded) out of those in scope. */
  scope: { changing: number; inScope: number };
  /** Set when the safety guard refused the plan (and it was not forced). */
  refused: { reason: string } | null;
}

/**
 * A plan as a sync carries it out: over a large book its decisions are kept in the store
 * and walked a page at a time, once per pass (issue 22), so they are an iterable, not an array.
 */
export type RunPlan = Omit<Plan, 'decisions'> & { decisions: Iterable<AccountDecision> };

/** A write handed to a connector. */
export interface AssignmentWrite {
  recordId: string;
  role: string;
  /** Target person's id in this system and canonical email (connectors writing email text fields use it). */
  to: { id: string; email: string };
}

export type WriteResult =
  | { recordId: string; role: string; ok: true }
  | { recordId: string; role: string; ok: false; error: { code: string; kind: string; message: string } };
