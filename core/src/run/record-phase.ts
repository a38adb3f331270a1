import { advanceBaseline } from '../engine/advance-baseline.ts';
import type { AppliedChange } from './apply-phase.ts';
import { recordWritten } from './history-phase.ts';
import { queueHandovers, type RecordedRun } from './notify-phase.ts';
import { resultOf } from './run-report.ts';
import type { RunDeps } from './run-types.ts';
import { recordOwnershipState } from './state-phase.ts';

/**
 * The record phase, after the writes (or when the guard refused them, with none): the
 * audit of every change, the baselines moved only by what succeeded, the history of what
 * was written, the console's read model, and the people to read again where a write was
 * refused (it may name someone who left since they were read), and the handover notices
 * of what changed: all in one transaction, so a change recorded always has its notice.
 * Returns how many notices it queued.
 */
export function recordRun(deps: RunDeps, run: RecordedRun): number {
  const { store } = deps;
  return store.transaction(() => {
    // Before the baselines advance: the handovers compare with the owners decided before this run.
    const queued = queueHandovers(deps, run);
    record(deps, run);
    return queued;
  });
}

function record(deps: RunDeps, run: RecordedRun): void {
  const { store } = deps;
  const { runId, plan, applied, now } = run;
  // A refused plan is audited as what it would have applied (each change 'planned'), for the run's page.
  const audited: AppliedChange[] = plan.refused
    ? plan.changes.map((change) => ({ change, result: undefined }))
    : applied;
  store.runs.recordChanges(
    runId,
    audited.map((a) => ({
      account: a.change.account,
      accountName: a.change.accountName,
      role: a.change.role,
      system: a.change.system,
      recordId: a.change.recordId,
      from: a.change.from,
      fromValue: a.change.fromValue,
      to: a.change.to,
      reason: a.change.reason,
      result: resultOf(a),
      error: a.result && !a.result.ok ? a.result.error : null,
    })),
  );
  const results = applied.flatMap((a) => (a.result ? [a.result] : []));
  store.baselines.upsert(advanceBaseline(run.baseline, plan, results, now));
  recordWritten(store, runId, applied, now);
  recordOwnershipState(store, plan, applied, run.people, deps.config, runId, run.touched);
  for (const system of new Set(applied.filter((a) => a.result && !a.result.ok).map((a) => a.change.system))) {
    store.mirror.forgetPeople(system);
  }
  // The read model and the baselines now stand for every account the mirror holds.
  store.mirror.setPlanBasis(run.basis);
  // The plan is recorded: its scratch goes (a million accounts' decisions weigh hundreds of MB).
  store.planning.clear();
}
