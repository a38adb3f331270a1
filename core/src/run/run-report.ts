import type { Connector, ConnectorStats } from '../domain/connector.ts';
import type { OwnerValue, RunPlan, SystemId } from '../domain/types.ts';
import type { AppliedChange } from './apply-phase.ts';
import type { CascadePlan } from './cascade-phase.ts';
import type { RunReport, RunStatus } from './run-types.ts';

/** The report phase: what a run planned, wrote and left, as the `--json` document says it. */
export function reportOf(
  plan: RunPlan,
  applied: AppliedChange[],
  cascade: CascadePlan,
  status: RunStatus,
  message?: string,
): Omit<RunReport, 'runId' | 'dryRun'> {
  const resultByChange = new Map(applied.map((a) => [a.change, a]));
  const changes = plan.changes.map((change) => {
    const a = resultByChange.get(change);
    const row: RunReport['changes'][number] = {
      account: change.account,
      accountName: change.accountName,
      role: change.role,
      system: change.system,
      recordId: change.recordId,
      from: change.from,
      to: change.to,
      reason: change.reason,
      result: a ? resultOf(a) : 'planned',
    };
    // The value overwritten when it names no known person (a text field's own words, an unknown id).
    if (change.from === null && change.fromValue !== null) row.fromValue = valueText(change.fromValue);
    if (a?.result && !a.result.ok) row.error = `${a.result.error.code}: ${a.result.error.message}`;
    return row;
  });
  const count = (kind: string) => plan.issues.filter((i) => i.kind === kind).length;
  const report: Omit<RunReport, 'runId' | 'dryRun'> = {
    status,
    counts: {
      accounts: plan.accounts,
      ...(plan.planned === undefined ? {} : { planned: plan.planned }),
      changes: plan.changes.length,
      accountRoles: plan.scope.changing,
      inScope: plan.scope.inScope,
      written: changes.filter((c) => c.result === 'written').length,
      failed: changes.filter((c) => c.result === 'failed').length,
      conflicts: count('conflict'),
      unresolvable: count('unresolvable'),
      ambiguous: count('ambiguous'),
      ambiguousPeople: count('ambiguous-person'),
      missing: count('missing'),
      config: count('config'),
    },
    changes,
    issues: plan.issues.map((i) => ({ ...i })),
    cascadePlan: cascadeReport(cascade),
  };
  if (message !== undefined) report.message = message;
  return report;
}

function cascadeReport(cascade: CascadePlan): NonNullable<RunReport['cascadePlan']> {
  const totals = { contacts: 0, openTickets: 0 };
  const resumed = { contacts: 0, openTickets: 0 };
  const accounts = cascade.items
    .filter((i) => i.moves.length > 0)
    .map((i) => {
      (i.resumed === null ? totals : resumed)[i.step.kind] += i.moves.length;
      const row: NonNullable<RunReport['cascadePlan']>['accounts'][number] = {
        account: i.step.account,
        accountName: i.accountName,
        role: i.step.role,
        system: i.step.system,
        kind: i.step.kind,
        records: i.moves.length,
      };
      if (i.resumed !== null) row.resumed = true;
      return row;
    });
  return { totals, resumed, accounts, problems: cascade.problems };
}

function valueText(value: OwnerValue): string {
  if (value === null) return '';
  return 'id' in value ? value.id : value.email;
}

export function resultOf(a: AppliedChange): 'planned' | 'written' | 'failed' {
  if (!a.result) return 'planned';
  return a.result.ok ? 'written' : 'failed';
}

export function emptyReport(status: RunStatus): Omit<RunReport, 'runId' | 'dryRun'> {
  return {
    status,
    counts: {
      accounts: 0,
      changes: 0,
      accountRoles: 0,
      inScope: 0,
      written: 0,
      failed: 0,
      conflicts: 0,
      unresolvable: 0,
      ambiguous: 0,
      ambiguousPeople: 0,
      missing: 0,
      config: 0,
    },
    changes: [],
    issues: [],
  };
}

/**
 * The calls each connector made since `before` (its stats when the run started): a
 * connector counts over its life, and `spoc schedule` keeps one across runs.
 */
export function callStats(
  connectors: Connector[],
  before: Record<SystemId, ConnectorStats> = {},
): Record<SystemId, ConnectorStats> {
  return Object.fromEntries(
    connectors.map((c) => {
      const now = c.stats();
      const was = before[c.system] ?? { calls: 0, retries: 0, throttled: 0 };
      return [
        c.system,
        {
          calls: now.calls - was.calls,
          retries: now.retries - was.retries,
          throttled: now.throttled - was.throttled,
          // The day's usage is a reading, not a count: the latest one stands.
          ...(now.daily ? { daily: now.daily } : {}),
        },
      ];
    }),
  );
}
