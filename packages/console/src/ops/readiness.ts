import type { SpocConfig, StateStore, SystemId } from '@spoc/core';

/** A system as /readyz tells it: error codes and times only (it answers without a token). */
export type SystemReadiness = { ok: true; checkedAt: string } | { ok: false; reason: string };

export interface Readiness {
  ready: boolean;
  /** Every enabled system, in the config's order. */
  systems: Record<SystemId, SystemReadiness>;
  /** The systems not ok. */
  failing: SystemId[];
  /** The latest run that reached the systems (dry runs too), when there is one. */
  lastRun: { status: string; dryRun: boolean; finishedAt: string; errorCode?: string } | null;
  /** Why not ready besides the systems: the latest run failed naming none of them. */
  problem?: string;
}

/**
 * Ready when every enabled system passed its connection check (the check phase records
 * each pass) and the latest run that reached the systems did not fail on one of them (a
 * revoked token fails a run's first call even between daily checks), nor fail naming none
 * (several systems failing their check at once are named in its message only).
 */
export function readiness(store: StateStore, config: SpocConfig): Readiness {
  const last = store.metrics.lastReach();
  const failedOn = last?.status === 'failed' ? last.errorSystem : undefined;
  const systems: Record<SystemId, SystemReadiness> = {};
  for (const system of config.enabledSystems) {
    const check = store.mirror.getCursor(system, 'check');
    if (failedOn === system) {
      systems[system] = { ok: false, reason: `the latest run failed here: ${last?.errorCode ?? 'error'}` };
    } else if (check === null) {
      systems[system] = { ok: false, reason: 'not checked yet: no run has passed its connection check' };
    } else {
      systems[system] = { ok: true, checkedAt: (JSON.parse(check) as { at: string }).at };
    }
  }
  const failing = config.enabledSystems.filter((s) => !systems[s]?.ok);
  const problem =
    last?.status === 'failed' && !last.errorSystem ? `the latest run failed: ${last.errorCode ?? 'error'}` : undefined;
  return {
    ready: failing.length === 0 && problem === undefined,
    systems,
    failing,
    lastRun: last
      ? {
          status: last.status,
          dryRun: last.dryRun,
          finishedAt: last.finishedAt,
          ...(last.errorCode ? { errorCode: last.errorCode } : {}),
        }
      : null,
    ...(problem ? { problem } : {}),
  };
}
