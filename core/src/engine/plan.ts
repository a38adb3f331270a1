import type { RoleConfig, SpocConfig } from '../config/types.ts';
import type {
  AccountDecision,
  Baseline,
  CascadeStep,
  ChangeReason,
  Person,
  Plan,
  PlanIssue,
  PlannedChange,
  RoleDecision,
  RoleStatus,
  Snapshot,
  SystemId,
} from '../domain/types.ts';
import { decideRole, type Holding, holdingsFor } from './decide-role.ts';
import { buildDirectory, type Directory } from './directory.ts';
import { type LinkedAccount, linkAccounts } from './link-accounts.ts';

/**
 * plan(snapshot, baseline, config) → Plan (DESIGN.md §3). Pure and deterministic:
 * the same inputs, in any order, give the same plan.
 */
export function plan(
  snapshot: Snapshot,
  baseline: Baseline,
  config: SpocConfig,
  _now: Date,
  options: { force?: boolean } = {},
): Plan {
  const directory = buildDirectory(snapshot.people, config.aliases);
  const linked = linkAccounts(snapshot.accounts, config.link, config.enabledSystems);
  const changes: PlannedChange[] = [];
  const issues: PlanIssue[] = [...linked.issues];
  const cascades: CascadeStep[] = [];
  const decisions: AccountDecision[] = [];

  for (const account of linked.accounts) {
    const roles: RoleDecision[] = [];
    for (const role of config.roles) {
      const outcome = planRole(account, role, baseline, directory);
      changes.push(...outcome.changes);
      issues.push(...outcome.issues);
      cascades.push(...outcome.cascades);
      roles.push(outcome.decision);
    }
    const records: AccountDecision['records'] = {};
    for (const [system, record] of Object.entries(account.records)) records[system as SystemId] = record.id;
    decisions.push({ account: account.key, name: account.name, records, roles });
  }

  changes.sort((a, b) => cmp(a.account, b.account) || cmp(a.role, b.role) || cmp(a.system, b.system));
  issues.sort(
    (a, b) =>
      cmp(a.kind, b.kind) ||
      cmp(a.account, b.account) ||
      cmp(a.role ?? '', b.role ?? '') ||
      cmp(a.system ?? '', b.system ?? ''),
  );
  cascades.sort(
    (a, b) => cmp(a.account, b.account) || cmp(a.role, b.role) || cmp(a.system, b.system) || cmp(a.kind, b.kind),
  );

  const accounts = linked.accounts.length;
  return {
    accounts,
    changes,
    issues,
    decisions,
    cascades,
    refused: guard(changes.length, accounts, config, options.force),
  };
}

interface RoleOutcome {
  changes: PlannedChange[];
  issues: PlanIssue[];
  cascades: CascadeStep[];
  decision: RoleDecision;
}

function planRole(account: LinkedAccount, role: RoleConfig, baseline: Baseline, directory: Directory): RoleOutcome {
  const holdings = holdingsFor(role, account.records, directory, baseline);
  const owners: RoleDecision['owners'] = {};
  for (const h of holdings) owners[h.system] = h.email;
  const out: RoleOutcome = {
    changes: [],
    issues: [],
    cascades: [],
    decision: { role: role.name, status: 'consistent', owners, decided: null },
  };
  const issue = (kind: PlanIssue['kind'], detail: string, system?: SystemId) => {
    const i: PlanIssue = { kind, account: account.key, role: role.name, detail };
    if (system) i.system = system;
    out.issues.push(i);
  };

  const decision = decideRole(role, holdings, directory);
  let status: RoleStatus = 'consistent';
  if (decision.kind === 'manual') {
    issue('conflict', `changed in several systems: ${decision.conflict}; left for a human (tieBreak manual)`);
    out.decision.status = 'conflict';
    return out;
  }
  if (decision.kind === 'none') {
    issue('unresolvable', decision.why);
    out.decision.status = 'unresolvable';
    return out;
  }
  if (decision.kind === 'decided' && decision.conflict) {
    issue('conflict', `changed in several systems: ${decision.conflict}; settled by ${decision.reason}`);
    status = 'drift';
  }
  out.decision.decided = decision.person.email;

  for (const h of holdings) {
    const target = targetFor(h.system, decision.person, decision.reason, role, directory);
    if (!target) {
      issue(
        'unresolvable',
        `${decision.person.email} is ${describeAbsence(decision.person, h.system)} in ${h.system}`,
        h.system,
      );
      status = 'unresolvable';
      continue;
    }
    if (h.email === target.person.email) continue;
    out.changes.push(change(account, role, h, target.person, target.reason));
    if (status === 'consistent') status = 'drift';
    addCascades(out.cascades, account, role, h, target.person);
  }
  if (status === 'consistent' && Object.keys(role.fields).some((s) => !account.records[s as SystemId]))
    status = 'missing';
  out.decision.status = status;
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
  if (person.systems[system]?.active) return { person, reason };
  if (role.onUnresolvable.kind !== 'fallback') return null;
  const fallback = directory.byEmail(role.onUnresolvable.email);
  if (!fallback?.systems[system]?.active) return null;
  return { person: fallback, reason: person.systems[system] ? 'fallback:inactive' : 'fallback:unknown' };
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

function addCascades(cascades: CascadeStep[], account: LinkedAccount, role: RoleConfig, h: Holding, to: Person): void {
  const toId = (to.systems[h.system] as { id: string }).id;
  if (role.cascade.contacts && (h.system === 'hubspot' || h.system === 'salesforce')) {
    cascades.push({
      kind: 'contacts',
      system: h.system,
      account: account.key,
      recordId: h.record.id,
      role: role.name,
      fromId: null,
      toId,
    });
  }
  if (role.cascade.openTickets && h.system === 'zendesk') {
    // Only tickets held by the previous POC move, so the previous POC must be identifiable.
    const previous = h.resolved.kind === 'person' ? h.resolved.person.systems.zendesk?.id : undefined;
    const raw = h.record.roles[role.name];
    const fromId = previous ?? (raw && 'id' in raw ? raw.id : undefined);
    if (fromId !== undefined) {
      cascades.push({
        kind: 'openTickets',
        system: 'zendesk',
        account: account.key,
        recordId: h.record.id,
        role: role.name,
        fromId,
        toId,
      });
    }
  }
}

function describeAbsence(person: Person, system: SystemId): string {
  return person.systems[system] ? 'inactive' : 'unknown';
}

function guard(changes: number, accounts: number, config: SpocConfig, force: boolean | undefined): Plan['refused'] {
  const limit = config.safety.maxChanges;
  const over =
    limit.kind === 'absolute'
      ? changes > limit.value
      : accounts > 0
        ? (changes / accounts) * 100 > limit.value
        : changes > 0;
  if (!over || force) return null;
  const max = limit.kind === 'absolute' ? `${limit.value}` : `${limit.value}% of ${accounts} accounts`;
  return { reason: `${changes} changes exceed safety.maxChanges ${max}` };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
