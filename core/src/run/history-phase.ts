import type { RunPlan, SystemId } from '../domain/types.ts';
import type { OwnershipRow } from '../store/history.ts';
import type { StateStore } from '../store/state-store.ts';
import type { AppliedChange } from './apply-phase.ts';

/**
 * Ownership history, kept as transitions (the store drops a row equal to the latest):
 * what each system held as observed on the records read this run, recorded as soon as
 * the read is in the mirror; then what spoc wrote and why, once the writes are answered.
 */
export function recordObserved(
  store: StateStore,
  plan: RunPlan,
  runId: string,
  /** Whether this run read the record from its vendor (only those are observed). */
  isFresh: (system: SystemId, recordId: string) => boolean,
  now: Date,
): void {
  const at = now.toISOString();
  // Written in chunks: a first run over 100,000 accounts observes ~600,000 values.
  let rows: OwnershipRow[] = [];
  for (const decision of plan.decisions) {
    for (const role of decision.roles) {
      for (const [system, email] of Object.entries(role.owners)) {
        const recordId = decision.records[system];
        if (recordId === undefined || !isFresh(system, recordId)) continue;
        const value = role.unknown?.[system];
        rows.push({
          account: decision.account,
          role: role.role,
          system,
          recordId,
          email,
          ...(value === undefined ? {} : { value }),
          runId,
          reason: 'observed',
          at,
        });
        if (rows.length >= 10_000) {
          store.history.record(rows);
          rows = [];
        }
      }
    }
  }
  store.history.record(rows);
}

/** What spoc wrote (the successful writes), with the reason it wrote it. */
export function recordWritten(store: StateStore, runId: string, applied: AppliedChange[], now: Date): void {
  const at = now.toISOString();
  store.history.record(
    applied
      .filter((a) => a.result?.ok)
      .map(({ change }) => ({
        account: change.account,
        role: change.role,
        system: change.system,
        recordId: change.recordId,
        email: change.to,
        runId,
        reason: change.reason,
        at,
      })),
  );
}
