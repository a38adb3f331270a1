import type { Baseline, PersonRecord, Plan } from '../domain/types.ts';
import { advanceBaseline } from '../engine/advance-baseline.ts';
import type { Directory } from '../engine/directory.ts';
import type { AppliedChange } from './apply-phase.ts';
import { recordWritten } from './history-phase.ts';
import { resultOf } from './run-report.ts';
import type { RunDeps } from './run-types.ts';
import { recordOwnershipState } from './state-phase.ts';

/**
 * The record phase, after the writes (or when the guard refused them, with none): the
 * audit of every change, the baselines moved only by what succeeded, the history of what
 * was written, the console's read model, and the people to read again where a write was
 * refused (it may name someone who left since they were read).
 */
export function recordRun(
  deps: RunDeps,
  run: {
    runId: string;
    plan: Plan;
    baseline: Baseline;
    applied: AppliedChange[];
    people: { records: PersonRecord[]; directory: Directory };
    now: Date;
  },
): void {
  const { store } = deps;
  const { runId, plan, applied, now } = run;
  store.runs.recordChanges(
    runId,
    applied.map((a) => ({
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
  recordOwnershipState(store, plan, applied, run.people, deps.config, runId);
  for (const system of new Set(applied.filter((a) => a.result && !a.result.ok).map((a) => a.change.system))) {
    store.mirror.forgetPeople(system);
  }
}
