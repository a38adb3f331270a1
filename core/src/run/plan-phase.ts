import type { Baseline, BaselineEntry, Plan, Snapshot } from '../domain/types.ts';
import { buildDirectory, type Directory } from '../engine/directory.ts';
import { plan as makePlan } from '../engine/plan.ts';
import { inSpan } from '../telemetry/spans.ts';
import { checkConnections } from './check-phase.ts';
import { planBasisOf, touchedBook } from './plan-basis.ts';
import { bookOf, readSystem, type SystemRead } from './read-phase.ts';
import type { RunDeps, RunOptions } from './run-types.ts';

export interface Planned {
  plan: Plan;
  reads: SystemRead[];
  baseline: Baseline;
  /** The people of every system, built once: the plan decided with it, the record phase saves it. */
  directory: Directory;
  /** What the plan was decided from (the config and the people), for the record phase to store. */
  basis: string;
  /** When the plan decided only the accounts touched since the last run: the refs of their records. */
  touched?: ReadonlySet<string>;
}

/**
 * The read-only half of a run: the check phase, the read phase (people and accounts,
 * merged over the mirror) and the plan. Persists nothing but the connection checks;
 * `plan` and `report` use it directly. `beforePlan` lets a sync settle a killed run's
 * journal from the fresh data before planning.
 */
export async function readAndPlan(
  deps: RunDeps,
  options: Pick<RunOptions, 'full' | 'force' | 'signal' | 'now' | 'onProgress'> & {
    /** Decide only the accounts touched since the last run, where the store shows that is enough (a sync). */
    touchedOnly?: boolean;
  },
  beforePlan?: (snapshot: Snapshot, recovered: Map<string, BaselineEntry>) => void,
): Promise<Planned> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  await inSpan('spoc.check', {}, () => checkConnections(deps, startedAt, options.signal));
  const reads = await inSpan('spoc.read', {}, () =>
    Promise.all(
      deps.connectors.map((c) =>
        inSpan(
          'spoc.read.system',
          { 'spoc.system': c.system },
          async (span) => {
            const read = await readSystem(c, deps.store, {
              full: options.full,
              now: startedAt,
              peopleRefreshMs: deps.config.peopleRefreshMs,
              logger: deps.logger.child({ system: c.system }),
              ...(options.signal ? { signal: options.signal } : {}),
              ...(options.onProgress ? { onProgress: options.onProgress } : {}),
            });
            span.setAttributes({
              'spoc.read.full': read.full,
              'spoc.read.people': read.people.length,
              'spoc.read.people_cached': read.peopleReadAt === null,
              'spoc.read.records': read.fresh.length,
              'spoc.read.rejected': read.rejected.length,
            });
            return read;
          },
          { system: c.system, what: 'read' },
        ),
      ),
    ),
  );
  return inSpan('spoc.plan', {}, async (span) => {
    const people = reads.flatMap((r) => r.people);
    const overrides = deps.store.actions.pendingOverrides();
    const basis = planBasisOf(deps.config, reads);
    const touched = options.touchedOnly ? touchedBook(deps, reads, basis, overrides) : null;
    const snapshot: Snapshot = {
      people,
      accounts: touched ? touched.accounts : reads.flatMap((r) => bookOf(deps.store, r)),
    };
    // Entries settled from a killed run's journal count before the stored ones (persisted with the run's).
    const recovered = new Map<string, BaselineEntry>();
    beforePlan?.(snapshot, recovered);
    const stored = deps.store.baselines.lookup();
    const baseline: Baseline = {
      get: (key) => recovered.get(key) ?? stored.get(key),
      prefetch: (records) => stored.prefetch?.(records),
    };
    const directory = buildDirectory(snapshot.people, deps.config.aliases);
    const plan = makePlan(snapshot, baseline, deps.config, now(), {
      force: options.force,
      overrides,
      directory,
      ...(touched ? { elsewhere: deps.store.ownership.bookExcept(touched.refs) } : {}),
    });
    span.setAttributes({
      'spoc.plan.accounts': plan.accounts,
      'spoc.plan.planned': plan.planned ?? plan.accounts,
      'spoc.plan.changes': plan.changes.length,
      'spoc.plan.issues': plan.issues.length,
      'spoc.plan.refused': plan.refused !== null,
    });
    return { plan, reads, baseline, directory, basis, ...(touched ? { touched: touched.refs } : {}) };
  });
}
