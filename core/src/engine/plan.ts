import type { RoleConfig, SpocConfig } from '../config/types.ts';
import type {
  AccountDecision,
  Baseline,
  CascadeKind,
  CascadeStep,
  ChangeReason,
  OwnerOverride,
  Person,
  Plan,
  PlanIssue,
  PlannedChange,
  RoleDecision,
  RoleStatus,
  Snapshot,
  SystemId,
} from '../domain/types.ts';
import { overrideKey } from '../domain/types.ts';
import { compareText } from './compare-text.ts';
import {
  type Decision,
  decideRole,
  describeDuplicates,
  describeStanding,
  type Holding,
  holdingsFor,
} from './decide-role.ts';
import { buildDirectory, type Directory } from './directory.ts';
import { changeScope, guardChanges } from './guard.ts';
import { type LinkedAccount, linkAccounts, linkOptionsOf } from './link-accounts.ts';

/** Linked accounts whose baseline entries the store is asked for at once. */
const PREFETCH_ACCOUNTS = 1_000;

function recordsOf(accounts: readonly LinkedAccount[], from: number): { system: SystemId; recordId: string }[] {
  return accounts
    .slice(from, from + PREFETCH_ACCOUNTS)
    .flatMap((a) => Object.entries(a.records).map(([system, r]) => ({ system: system as SystemId, recordId: r.id })));
}

/**
 * plan(snapshot, baseline, config) → Plan (docs/ARCHITECTURE.md, "Deciding one owner"). Pure and deterministic:
 * the same inputs, in any order, give the same plan.
 */
export function plan(
  snapshot: Snapshot,
  baseline: Baseline,
  config: SpocConfig,
  _now: Date,
  options: {
    force?: boolean;
    overrides?: ReadonlyMap<string, OwnerOverride>;
    /** The directory of `snapshot.people`, when the caller has built it already. */
    directory?: Directory;
    /**
     * Set when `snapshot.accounts` holds only the accounts touched since the last run (their
     * link closure): the accounts left out, decided then and unchanged since, which the guard's
     * scope and the account count still include.
     */
    elsewhere?: { accounts: number; inScope: number };
  } = {},
): Plan {
  const directory = options.directory ?? buildDirectory(snapshot.people, config.aliases);
  const linked = linkAccounts(snapshot.accounts, config.link, linkOptionsOf(config));
  const cascadesOf = (system: SystemId) => config.systems[system]?.definition.capabilities.cascades ?? [];
  const changes: PlannedChange[] = [];
  const issues: PlanIssue[] = [...linked.issues, ...fallbackIssues(config, directory)];
  const cascades: CascadeStep[] = [];
  const decisions: AccountDecision[] = [];
  const overridden: string[] = [];

  for (const [i, account] of linked.accounts.entries()) {
    if (baseline.prefetch && i % PREFETCH_ACCOUNTS === 0) baseline.prefetch(recordsOf(linked.accounts, i));
    const roles: RoleDecision[] = [];
    for (const role of config.roles) {
      const override = options.overrides?.get(overrideKey(account.key, role.name));
      const outcome = planRole(account, role, baseline, directory, config.enabledSystems, cascadesOf, override);
      if (override) overridden.push(overrideKey(account.key, role.name));
      changes.push(...outcome.changes);
      issues.push(...outcome.issues);
      cascades.push(...outcome.cascades);
      roles.push(outcome.decision);
    }
    const records: AccountDecision['records'] = {};
    for (const [system, record] of Object.entries(account.records)) records[system as SystemId] = record.id;
    decisions.push({ account: account.key, name: account.name, records, roles });
  }

  changes.sort(byChange);
  issues.sort(byIssue);
  cascades.sort(byCascade);

  const scope = changeScope(changes, decisions, new Set(overridden));
  if (options.elsewhere) scope.inScope += options.elsewhere.inScope;
  return {
    accounts: linked.accounts.length + (options.elsewhere?.accounts ?? 0),
    ...(options.elsewhere ? { planned: linked.accounts.length } : {}),
    changes,
    issues,
    decisions,
    cascades,
    overridden,
    scope,
    refused: guardChanges(scope, config.safety.maxChanges, options.force),
  };
}

/**
 * One plan of a book decided in parts (disjoint sets of whole link closures, each planned
 * with `force` so no part is guarded alone): what `plan` gives for all their accounts at
 * once, guarded over the whole. `elsewhere` as for `plan`.
 */
export function mergePlans(
  parts: readonly Plan[],
  config: SpocConfig,
  options: { force?: boolean; elsewhere?: { accounts: number; inScope: number } } = {},
): Plan {
  const planned = parts.reduce((n, p) => n + p.accounts, 0);
  // Config issues are the book's, not an account's: every part has them, once.
  const issues = parts.flatMap((p, i) => (i === 0 ? p.issues : p.issues.filter((issue) => issue.kind !== 'config')));
  const scope = {
    changing: parts.reduce((n, p) => n + p.scope.changing, 0),
    inScope: parts.reduce((n, p) => n + p.scope.inScope, 0) + (options.elsewhere?.inScope ?? 0),
  };
  return {
    accounts: planned + (options.elsewhere?.accounts ?? 0),
    ...(options.elsewhere ? { planned } : {}),
    changes: parts.flatMap((p) => p.changes).sort(byChange),
    issues: issues.sort(byIssue),
    decisions: parts.flatMap((p) => p.decisions).sort((a, b) => compareText(a.account, b.account)),
    cascades: parts.flatMap((p) => p.cascades).sort(byCascade),
    overridden: parts.flatMap((p) => p.overridden),
    scope,
    refused: guardChanges(scope, config.safety.maxChanges, options.force),
  };
}

/** A fallback that is nobody never stands in: say so once per role, whether or not it was needed. */
function fallbackIssues(config: SpocConfig, directory: Directory): PlanIssue[] {
  return config.roles.flatMap((role) =>
    role.onUnresolvable.kind === 'fallback' && !directory.byEmail(role.onUnresolvable.email)
      ? [
          {
            kind: 'config' as const,
            account: '',
            role: role.name,
            detail: `roles.${role.name}.onUnresolvable.fallback ${role.onUnresolvable.email} is not a user of any system: nothing stands in where the owner cannot be written`,
          },
        ]
      : [],
  );
}

interface RoleOutcome {
  changes: PlannedChange[];
  issues: PlanIssue[];
  cascades: CascadeStep[];
  decision: RoleDecision;
}

function planRole(
  account: LinkedAccount,
  role: RoleConfig,
  baseline: Baseline,
  directory: Directory,
  enabled: SystemId[],
  cascadesOf: (system: SystemId) => readonly CascadeKind[],
  override: OwnerOverride | undefined,
): RoleOutcome {
  const holdings = holdingsFor(role, enabled, account.records, directory, baseline);
  const owners: RoleDecision['owners'] = {};
  const unknown: NonNullable<RoleDecision['unknown']> = {};
  for (const h of holdings) {
    owners[h.system] = h.email;
    if (h.resolved.kind === 'unknown') unknown[h.system] = h.resolved.value;
    else if (h.resolved.kind === 'no-email') unknown[h.system] = h.resolved.id;
  }
  const out: RoleOutcome = {
    changes: [],
    issues: [],
    cascades: [],
    decision: { role: role.name, status: 'consistent', owners, decided: null, settled: 'consistent' },
  };
  if (Object.keys(unknown).length > 0) out.decision.unknown = unknown;
  const issue = (kind: PlanIssue['kind'], detail: string, system?: SystemId) => {
    const i: PlanIssue = { kind, account: account.key, accountName: account.name, role: role.name, detail };
    if (system) i.system = system;
    out.issues.push(i);
  };

  const decision = override ? overrideDecision(override, directory) : decideRole(role, holdings, directory);
  if (decision.kind === 'manual') {
    issue('conflict', `changed in several systems: ${decision.conflict}; left for a human (tieBreak manual)`);
    out.decision.status = out.decision.settled = 'conflict';
    return out;
  }
  if (decision.kind === 'missing') {
    for (const system of decision.systems) issue('missing', decision.why, system);
    out.decision.status = out.decision.settled = 'missing';
    return out;
  }
  if (decision.kind === 'none') {
    issue(decision.issue ?? 'unresolvable', decision.why, decision.system);
    out.decision.status = out.decision.settled = 'unresolvable';
    return out;
  }
  if (decision.kind === 'decided' && decision.conflict) {
    issue('conflict', `changed in several systems: ${decision.conflict}; settled by ${decision.reason}`);
  }
  out.decision.decided = decision.person.email;
  if (decision.system) out.decision.decidedBy = decision.system;

  let unresolvable = false;
  // A stand-in is what spoc leaves: the decision itself, or a target that takes the fallback.
  let standIn = decision.kind === 'fallback';
  for (const h of holdings) {
    const standing = directory.standing(decision.person, h.system);
    if (standing === 'ambiguous') {
      // Several users of this system share the person's email: the record is left as it is.
      if (h.email === decision.person.email) continue;
      issue(
        'ambiguous-person',
        `${decision.person.email} is decided, ${describeDuplicates(decision.person, h.system, directory)}: nothing written in ${h.system}`,
        h.system,
      );
      unresolvable = true;
      continue;
    }
    const target = targetFor(h.system, decision.person, decision.reason, role, directory);
    if (!target) {
      const fallback =
        role.onUnresolvable.kind === 'fallback'
          ? `; fallback ${role.onUnresolvable.email} cannot be written there either`
          : '';
      issue(
        'unresolvable',
        `${decision.person.email} is ${describeStanding(standing)} in ${h.system}${fallback}`,
        h.system,
      );
      unresolvable = true;
      continue;
    }
    if (target.person !== decision.person) standIn = true;
    if (holds(h, target.person)) continue;
    out.changes.push(change(account, role, h, target.person, target.reason));
    addCascades(out.cascades, account, role, h, target.person, cascadesOf(h.system), override?.openTickets === true);
  }
  const absent = enabled.some((s) => role.fields[s] && !account.records[s]);
  const settled: RoleStatus = unresolvable ? 'unresolvable' : standIn ? 'fallback' : absent ? 'missing' : 'consistent';
  out.decision.settled = settled;
  out.decision.status = unresolvable ? 'unresolvable' : out.changes.length > 0 ? 'drift' : settled;
  return out;
}

/** Who can be written in `system`: the decided person if active there, else the fallback if active there. */
function targetFor(
  system: SystemId,
  person: Person,
  reason: ChangeReason,
  role: RoleConfig,
  directory: Directory,
): { person: Person; reason: ChangeReason } | null {
  const standing = directory.standing(person, system);
  if (standing === 'active') return { person, reason };
  if (role.onUnresolvable.kind !== 'fallback') return null;
  const fallback = directory.byEmail(role.onUnresolvable.email);
  if (!fallback || directory.standing(fallback, system) !== 'active') return null;
  return { person: fallback, reason: standing === 'inactive' ? 'fallback:inactive' : 'fallback:unknown' };
}

/**
 * The record already holds `person` as spoc would write them: same person, and for id
 * fields the same user (a duplicate user sharing the email is replaced by the usable one).
 */
function holds(h: Holding, person: Person): boolean {
  if (h.email !== person.email) return false;
  if (h.resolved.kind !== 'person' || h.resolved.id === null) return true;
  return h.resolved.id === person.systems[h.system]?.id;
}

function change(account: LinkedAccount, role: RoleConfig, h: Holding, to: Person, reason: ChangeReason): PlannedChange {
  return {
    account: account.key,
    accountName: account.name,
    role: role.name,
    system: h.system,
    recordId: h.record.id,
    from: h.email,
    to: to.email,
    fromValue: h.record.roles[role.name] ?? null,
    toId: (to.systems[h.system] as { id: string }).id,
    reason,
  };
}

/** An admin's choice replaces the policy; a person unknown to every system cannot be written anywhere. */
function overrideDecision(override: OwnerOverride, directory: Directory): Decision {
  const person = directory.byEmail(override.email);
  if (!person) return { kind: 'none', why: `${override.email}, chosen by an admin, is not a user of any system` };
  return { kind: 'decided', person, reason: override.reason };
}

/** The cascades a written change asks for, where the system carries them out (its capabilities). */
function addCascades(
  cascades: CascadeStep[],
  account: LinkedAccount,
  role: RoleConfig,
  h: Holding,
  to: Person,
  able: readonly CascadeKind[],
  moveOpenTickets: boolean,
): void {
  const toId = (to.systems[h.system] as { id: string }).id;
  const step = { system: h.system, account: account.key, recordId: h.record.id, role: role.name, toId };
  if (role.cascade.contacts && able.includes('contacts')) cascades.push({ kind: 'contacts', ...step, fromId: null });
  if ((role.cascade.openTickets || moveOpenTickets) && able.includes('openTickets')) {
    // Only tickets held by the previous POC move, so the previous POC must be a known
    // user there: the user the field held, or the person its email names.
    const r = h.resolved;
    const fromId =
      r.kind === 'no-email' ? r.id : r.kind === 'person' ? (r.id ?? r.person.systems[h.system]?.id) : undefined;
    if (fromId !== undefined) cascades.push({ kind: 'openTickets', ...step, fromId });
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const byChange = (a: PlannedChange, b: PlannedChange) =>
  cmp(a.account, b.account) || cmp(a.role, b.role) || cmp(a.system, b.system);
const byIssue = (a: PlanIssue, b: PlanIssue) =>
  cmp(a.kind, b.kind) ||
  cmp(a.account, b.account) ||
  cmp(a.role ?? '', b.role ?? '') ||
  cmp(a.system ?? '', b.system ?? '') ||
  cmp(a.detail, b.detail);
const byCascade = (a: CascadeStep, b: CascadeStep) =>
  cmp(a.account, b.account) || cmp(a.role, b.role) || cmp(a.system, b.system) || cmp(a.kind, b.kind);
