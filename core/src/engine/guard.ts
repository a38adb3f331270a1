import type { Limit } from '../config/types.ts';
import type { AccountDecision, PlannedChange } from '../domain/types.ts';
import { overrideKey } from '../domain/types.ts';

/**
 * The safety guard (safety.maxChanges, safety.maxCascade). It counts what an admin
 * reasons about: account-roles whose owner would change (one account re-owned in three
 * systems is one), out of the account-roles in scope (a linked account holding a record
 * in a system that carries the role). A percentage is of that scope, so 100% never
 * refuses; 0 refuses any change. `--force` lifts it.
 */

export interface ChangeScope {
  /** Account-roles with at least one planned change, admin overrides excluded. */
  changing: number;
  /** Account-roles the plan decided over. */
  inScope: number;
}

export function changeScope(
  changes: PlannedChange[],
  decisions: AccountDecision[],
  overridden: ReadonlySet<string>,
): ChangeScope {
  const changing = new Set<string>();
  for (const c of changes) {
    const key = overrideKey(c.account, c.role);
    // An admin's override was previewed and chosen in the console: it is not the guard's to refuse.
    if (!overridden.has(key)) changing.add(key);
  }
  let inScope = 0;
  for (const d of decisions) for (const r of d.roles) if (Object.keys(r.owners).length > 0) inScope++;
  return { changing: changing.size, inScope };
}

/** The most a limit allows out of `of` (a percentage rounds down). */
export function allowed(limit: Limit, of: number): number {
  return limit.kind === 'absolute' ? limit.value : Math.floor((limit.value / 100) * of + 1e-9);
}

export function describeLimit(setting: string, limit: Limit, of: number, unit: string): string {
  return limit.kind === 'absolute'
    ? `${setting} ${limit.value}`
    : `${setting} ${limit.value}% of ${of} ${unit} (${allowed(limit, of)})`;
}

export function guardChanges(scope: ChangeScope, limit: Limit, force: boolean | undefined): { reason: string } | null {
  if (force || scope.changing <= allowed(limit, scope.inScope)) return null;
  return {
    reason: `${scope.changing} of ${scope.inScope} account-roles in scope would change owner, more than ${describeLimit(
      'safety.maxChanges',
      limit,
      scope.inScope,
      'account-roles',
    )} (an account-role is one role of one account, however many systems it is written in)`,
  };
}
