import type { RoleConfig } from '../config/types.ts';
import type { AccountRecord, Baseline, ChangeReason, Person, SystemId } from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
import type { Directory, Resolved, Standing } from './directory.ts';

/** What one system holds for a role on one account. */
export interface Holding {
  system: SystemId;
  record: AccountRecord;
  resolved: Resolved;
  /** Canonical email of a known person, else null (empty or unknown). */
  email: string | null;
  /** Differs from the baseline (or has none): a change since spoc last agreed. */
  changed: boolean;
  /** The fallback spoc wrote here, unchanged since: not a decision. */
  standIn: boolean;
  /** The owner decided last time for this account and role, per this record's baseline. */
  lastDecided: string | null;
}

export type Decision =
  /** `system`: the system whose value decided (the authority, the first in priority, the changed one). */
  | { kind: 'decided'; person: Person; reason: ChangeReason; system?: SystemId; conflict?: string }
  /** `system`: the deciding system whose holder could not decide (the authority's), when one system is meant. */
  | { kind: 'fallback'; person: Person; reason: ChangeReason; why: string; system?: SystemId }
  /** Nothing to decide from: `issue` says which kind of issue reports it (default unresolvable). */
  | { kind: 'none'; why: string; issue?: 'unresolvable' | 'ambiguous-person'; system?: SystemId }
  /** No deciding system holds a record of the account: nothing is decided, nothing written. */
  | { kind: 'missing'; why: string; systems: SystemId[] }
  | { kind: 'manual'; conflict: string };

export function holdingsFor(
  role: RoleConfig,
  /** The enabled systems, in the config's order. */
  systems: readonly SystemId[],
  records: Record<SystemId, AccountRecord>,
  directory: Directory,
  baseline: Baseline,
): Holding[] {
  const holdings: Holding[] = [];
  // The systems' order, whatever order the role lists its fields in.
  for (const system of systems) {
    const record = role.fields[system] ? records[system] : undefined;
    if (!record) continue;
    const resolved = directory.resolve(system, record.roles[role.name] ?? null);
    const email = resolved.kind === 'person' ? resolved.person.email : null;
    const base = baseline.get(baselineKey(system, record.id, role.name));
    const changed = base === undefined || base.value !== email;
    holdings.push({
      system,
      record,
      resolved,
      email,
      changed,
      standIn: !changed && base?.standIn === true,
      lastDecided: base?.decided ?? null,
    });
  }
  return holdings;
}

/**
 * Decides the role's one owner from what each system holds (docs/ARCHITECTURE.md, "Deciding one owner").
 * Pure: the same holdings always give the same decision.
 */
export function decideRole(role: RoleConfig, holdings: Holding[], directory: Directory): Decision {
  // A holder counts as a decision only if they are active where they are held: an
  // owner who left cannot decide, or writing the fallback into the deciding system
  // would flip the next decision (a sync loop).
  const known = (h: Holding | undefined): h is Holding & { email: string } =>
    h?.email != null && !h.standIn && directory.activeHolder(h.system, h.resolved);
  const person = (h: Holding & { email: string }) => directory.byEmail(h.email) as Person;
  const policy = role.policy;

  if (policy.kind === 'authority') {
    const h = holdings.find((x) => x.system === policy.system);
    // The authority does not hold the account: it decided nothing, so nothing is written
    // (a fallback here would overwrite owners the other systems' people set).
    if (!h)
      return {
        kind: 'missing',
        systems: [policy.system],
        why: `${policy.system}, the role's authority, holds no record of this account: nothing decided, nothing written`,
      };
    if (known(h)) return { kind: 'decided', person: person(h), reason: 'authority', system: h.system };
    const fallbackOr = (reason: ChangeReason, why: string) => fallbackTo(role, directory, reason, why, policy.system);
    if (h.resolved.kind === 'person' && !h.standIn) {
      const standing = directory.standing(h.resolved.person, policy.system);
      // Several users share the email there: which one is meant is unclear, so neither the
      // person nor a fallback is written over the authority's own value.
      if (standing === 'ambiguous') return ambiguousHolder(h.resolved.person, policy.system, directory);
      return fallbackOr(
        standing === 'inactive' ? 'fallback:inactive' : 'fallback:unknown',
        `${policy.system} holds ${h.resolved.person.email}, who is ${describeStanding(standing)} in ${policy.system}`,
      );
    }
    if (h.resolved.kind === 'unknown')
      return fallbackOr('fallback:unknown', `${policy.system} holds ${h.resolved.value}, not a known person`);
    if (h.resolved.kind === 'no-email')
      return fallbackOr(
        'fallback:unknown',
        `${policy.system} holds user ${h.resolved.id}, who has no email and so matches no one in other systems`,
      );
    return fallbackOr('fallback:empty', `${policy.system} holds no owner`);
  }

  if (policy.kind === 'priority') {
    const held = policy.order.filter((system) => holdings.some((x) => x.system === system));
    if (held.length === 0)
      return {
        kind: 'missing',
        systems: policy.order,
        why: `none of ${policy.order.join(', ')} (the role's priority) holds a record of this account: nothing decided, nothing written`,
      };
    for (const system of policy.order) {
      const h = holdings.find((x) => x.system === system);
      if (known(h)) return { kind: 'decided', person: person(h), reason: 'priority', system };
    }
    return fallbackTo(
      role,
      directory,
      'fallback:empty',
      `no system in ${policy.order.join(', ')} holds a known person`,
    );
  }

  // two-way: three-way merge against the baseline.
  if (holdings.length === 0)
    return {
      kind: 'missing',
      systems: policy.order,
      why: 'no system carrying this role holds a record of this account',
    };

  const rank = (s: SystemId) => {
    const i = policy.order.indexOf(s);
    return i === -1 ? policy.order.length : i;
  };
  const candidates = holdings.filter((h) => h.changed && known(h)) as (Holding & { email: string })[];
  const values = [...new Set(candidates.map((h) => h.email))];
  if (values.length === 1 && candidates[0]) {
    return { kind: 'decided', person: person(candidates[0]), reason: 'propagate', system: candidates[0].system };
  }
  if (values.length > 1) {
    const conflict = candidates
      .sort((a, b) => rank(a.system) - rank(b.system))
      .map((h) => `${h.system}=${h.email}`)
      .join(', ');
    if (policy.tieBreak === 'manual') return { kind: 'manual', conflict };
    let winner = candidates[0] as Holding & { email: string };
    if (policy.tieBreak === 'latest') {
      for (const h of candidates) {
        if (modifiedTime(h.record) > modifiedTime(winner.record)) winner = h;
      }
    }
    return {
      kind: 'decided',
      person: person(winner),
      reason: policy.tieBreak === 'latest' ? 'conflict:latest' : 'conflict:priority',
      system: winner.system,
      conflict,
    };
  }
  // Nothing changed since the baseline, yet the systems may disagree: a target could not
  // take the owner, or a write failed (its source is then left unadvanced by
  // advanceBaseline, so it normally still shows as changed and is propagated above).
  // Rule: the owner decided last time (remembered in each baseline entry) stands while
  // some system still holds them, so a failed write is retried with the same value and
  // the decision never flips between runs. Without that memory, the tie-break picks
  // among the holders (manual: a conflict for a human). An unchanged value never beats
  // a changed one, so a human change is never overwritten by a stale value. Fallback
  // stand-ins never count as holders.
  const holders = holdings.filter(known) as (Holding & { email: string })[];
  if (holders.length === 0) return fallbackTo(role, directory, 'fallback:empty', 'no system holds a known person');
  const previous =
    holders.find((h) => h.email === h.lastDecided) ??
    holders.find((h) => holdings.some((x) => x.lastDecided === h.email));
  if (previous) return { kind: 'decided', person: person(previous), reason: 'propagate', system: previous.system };
  const distinct = new Set(holders.map((h) => h.email));
  if (distinct.size > 1 && policy.tieBreak === 'manual') {
    return { kind: 'manual', conflict: holders.map((h) => `${h.system}=${h.email}`).join(', ') };
  }
  const byOrder = [...holders].sort((a, b) => rank(a.system) - rank(b.system));
  let chosen = byOrder[0] as Holding & { email: string };
  if (policy.tieBreak === 'latest') {
    for (const h of byOrder) if (modifiedTime(h.record) > modifiedTime(chosen.record)) chosen = h;
  }
  return { kind: 'decided', person: person(chosen), reason: 'propagate', system: chosen.system };
}

/** The deciding system holds an inactive user of a person several users share the email of there. */
function ambiguousHolder(held: Person, system: SystemId, directory: Directory): Decision {
  return {
    kind: 'none',
    issue: 'ambiguous-person',
    system,
    why: `${system} holds ${held.email}, ${describeDuplicates(held, system, directory)}; nothing decided, nothing written`,
  };
}

/** `whose email 2 <system> users share (1, 2) with none active` (ids in the vendor's own form). */
export function describeDuplicates(person: Person, system: SystemId, directory: Directory): string {
  const users = directory.duplicates(person, system);
  const active = users.filter((u) => u.active).length;
  return `whose email ${users.length} ${system} users share (${users.map((u) => u.id).join(', ')}) with ${
    active === 0 ? 'none' : active === users.length ? 'all' : active
  } active`;
}

function fallbackTo(
  role: RoleConfig,
  directory: Directory,
  reason: ChangeReason,
  why: string,
  system?: SystemId,
): Decision {
  if (role.onUnresolvable.kind === 'fallback') {
    const person = directory.byEmail(role.onUnresolvable.email);
    if (person) return { kind: 'fallback', person, reason, why, ...(system ? { system } : {}) };
    return { kind: 'none', why: `${why}; fallback ${role.onUnresolvable.email} is not a known person` };
  }
  return { kind: 'none', why };
}

/** A person's standing in a system, in words for issue details. */
export function describeStanding(standing: Standing): string {
  if (standing === 'ambiguous') return 'ambiguous (several users share the email, none or several active)';
  if (standing === 'absent') return 'not a user';
  return standing;
}

/** Vendor modification time for `tieBreak: latest`; unknown times lose to any known one. */
function modifiedTime(record: AccountRecord): number {
  const t = record.modifiedAt === null ? Number.NaN : Date.parse(record.modifiedAt);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}
