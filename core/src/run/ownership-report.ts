import { ROLE_STATUSES, type RoleStatus, type RunPlan, type SystemId } from '../domain/types.ts';

/** The `report --json` document (docs/ARCHITECTURE.md, "The CLI contract"): add fields, never rename. */
export interface OwnershipReport {
  accounts: {
    account: string;
    name: string;
    roles: Record<string, { status: RoleStatus; owners: Record<SystemId, string | null>; decided: string | null }>;
  }[];
  summary: Record<string, Record<RoleStatus, number>>;
}

/** Per account and role: the owner each enabled system shows (null when none) and whether they agree. */
export function ownershipReport(plan: Pick<RunPlan, 'decisions'>, systems: readonly SystemId[]): OwnershipReport {
  const summary: OwnershipReport['summary'] = {};
  const accounts = Array.from(plan.decisions, (decision) => {
    const roles: OwnershipReport['accounts'][number]['roles'] = {};
    for (const role of decision.roles) {
      const owners = Object.fromEntries(systems.map((s) => [s, role.owners[s] ?? null])) as Record<
        SystemId,
        string | null
      >;
      roles[role.role] = { status: role.status, owners, decided: role.decided };
      const counts =
        summary[role.role] ?? (Object.fromEntries(ROLE_STATUSES.map((s) => [s, 0])) as Record<RoleStatus, number>);
      counts[role.status]++;
      summary[role.role] = counts;
    }
    return { account: decision.account, name: decision.name, roles };
  });
  return { accounts, summary };
}
