import {
  type CascadeStep,
  type OwnerOverride,
  overrideKey,
  type PlanIssue,
  type PlannedChange,
  plan,
  type SpocConfig,
  type StateStore,
  type SystemId,
} from '@spoc/core';

export type OverrideRequest = { account: string; role: string } & OwnerOverride;

export interface Preview {
  changes: PlannedChange[];
  issues: PlanIssue[];
  cascades: CascadeStep[];
  /** Requested (account, role) pairs the plan could not find (the account no longer links the same way). */
  notFound: { account: string; role: string }[];
}

/**
 * What the next sync would write for these overrides: the real planner over the
 * accounts' mirrored records, their baseline and the people the last sync read. The
 * vendors are not called; the sync re-reads them before it writes anything.
 */
export function previewOverrides(
  store: StateStore,
  config: SpocConfig,
  requests: OverrideRequest[],
  now: Date,
): Preview {
  const ids = new Map<SystemId, Set<string>>(config.enabledSystems.map((s) => [s, new Set()]));
  for (const account of new Set(requests.map((r) => r.account))) {
    for (const row of store.ownership.account(account)) {
      for (const [system, held] of Object.entries(row.systems)) ids.get(system as SystemId)?.add(held.recordId);
    }
  }
  const accounts = config.enabledSystems.flatMap((s) => store.mirror.accountsById(s, [...(ids.get(s) ?? [])]));
  const baseline = store.baselines.of(accounts.map((a) => ({ system: a.system, recordId: a.id })));
  const overrides = new Map(
    requests.map((r) => [
      overrideKey(r.account, r.role),
      { email: r.email, reason: r.reason, openTickets: r.openTickets } satisfies OwnerOverride,
    ]),
  );
  const planned = plan({ people: store.ownership.personRecords(), accounts }, baseline, config, now, {
    overrides,
    force: true,
  });
  const wanted = (account: string, role: string | undefined) =>
    role !== undefined && overrides.has(overrideKey(account, role));
  const found = new Set(planned.overridden);
  return {
    changes: planned.changes.filter((c) => wanted(c.account, c.role)),
    issues: planned.issues.filter((i) => wanted(i.account, i.role)),
    cascades: planned.cascades.filter((c) => wanted(c.account, c.role)),
    notFound: requests
      .filter((r) => !found.has(overrideKey(r.account, r.role)))
      .map(({ account, role }) => ({ account, role })),
  };
}
