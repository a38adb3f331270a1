import type { SpocConfig } from '../config/types.ts';
import { overrideKey, type PersonRecord, type RoleStatus, type RunPlan } from '../domain/types.ts';
import type { Directory } from '../engine/directory.ts';
import type { AccountRoleRow, PersonState } from '../store/ownership-state.ts';
import type { StateStore } from '../store/state-store.ts';
import type { AppliedChange } from './apply-phase.ts';

/**
 * After a sync: the console's read model shows each account and role as the run left
 * it (written changes applied), and the admin overrides the run carried out are marked
 * applied.
 */
export function recordOwnershipState(
  store: StateStore,
  plan: RunPlan,
  applied: AppliedChange[],
  people: { records: PersonRecord[]; directory: Directory },
  config: SpocConfig,
  runId: string,
  /** When the plan decided only the accounts touched since the last run: their records' refs. */
  touched?: ReadonlySet<string>,
): void {
  const outcome = new Map<string, AppliedChange[]>();
  for (const a of applied) {
    const key = overrideKey(a.change.account, a.change.role);
    const list = outcome.get(key) ?? [];
    list.push(a);
    outcome.set(key, list);
  }
  const planned = new Map<string, number>();
  for (const c of plan.changes)
    planned.set(overrideKey(c.account, c.role), (planned.get(overrideKey(c.account, c.role)) ?? 0) + 1);
  const detailOf = issueDetails(plan);

  function* rows(): Generator<AccountRoleRow> {
    for (const decision of plan.decisions) {
      for (const role of decision.roles) {
        const key = overrideKey(decision.account, role.role);
        const results = outcome.get(key) ?? [];
        const systems: AccountRoleRow['systems'] = {};
        for (const system of config.enabledSystems) {
          const recordId = decision.records[system];
          if (recordId !== undefined && system in role.owners)
            systems[system] = { recordId, owner: role.owners[system] ?? null };
        }
        for (const a of results) {
          const held = systems[a.change.system];
          if (a.result?.ok && held) held.owner = a.change.to;
        }
        // Drift is gone only when every change planned for the role was written (none, when the guard refused).
        const allWritten = (planned.get(key) ?? 0) === results.filter((a) => a.result?.ok).length;
        const status: RoleStatus = role.status === 'drift' && allWritten ? role.settled : role.status;
        yield {
          account: decision.account,
          role: role.role,
          name: decision.name,
          status,
          decided: role.decided,
          detail:
            [detailOf.get(overrideKey(decision.account, '')), detailOf.get(key)].filter(Boolean).join('\n') || null,
          systems,
          runId,
        };
      }
    }
  }

  store.ownership.save(runId, rows(), peopleStates(people.records, people.directory, config), touched);
  if (plan.overridden.length === 0) return;
  // An override is done once decided and every write it caused succeeded; else the next run retries it.
  const overridden = new Set(plan.overridden);
  const decided = new Map<string, string | null>();
  for (const d of plan.decisions)
    for (const r of d.roles) {
      const key = overrideKey(d.account, r.role);
      if (overridden.has(key)) decided.set(key, r.decided);
    }
  store.actions.markApplied(
    plan.overridden.flatMap((key) => {
      const [account = '', role = ''] = key.split('\u0000');
      const written = (outcome.get(key) ?? []).filter((a) => a.result?.ok).length;
      return decided.get(key) != null && written === (planned.get(key) ?? 0) ? [{ account, role }] : [];
    }),
    runId,
  );
}

/** Each person once (aliases folded) with where they stand in each system. */
function peopleStates(people: PersonRecord[], directory: Directory, config: SpocConfig): PersonState[] {
  const recordsOf = new Map<string, PersonRecord[]>();
  for (const record of people) {
    if (record.email === null) continue;
    const email = directory.canonical(record.email);
    recordsOf.set(email, [...(recordsOf.get(email) ?? []), record]);
  }
  return [...directory.persons.values()].map((person) => {
    const systems = Object.fromEntries(
      config.enabledSystems.map((s) => [
        s,
        { standing: directory.standing(person, s), id: person.systems[s]?.id ?? null },
      ]),
    ) as PersonState['systems'];
    return { email: person.email, name: person.name, systems, records: recordsOf.get(person.email) ?? [] };
  });
}

/** Issues in words per account and role; account-wide issues (linking) under the role ''. */
function issueDetails(plan: RunPlan): Map<string, string> {
  const details = new Map<string, string>();
  for (const issue of plan.issues) {
    const key = overrideKey(issue.account, issue.role ?? '');
    const text = `${issue.kind}${issue.system ? ` (${issue.system})` : ''}: ${issue.detail}`;
    const previous = details.get(key);
    details.set(key, previous ? `${previous}\n${text}` : text);
  }
  return details;
}
