import type { AccountRecord, Baseline, BaselineEntry, Plan, RunPlan } from '../domain/types.ts';
import { buildDirectory, type Directory } from '../engine/directory.ts';
import { plan as makePlan, mergePlans } from '../engine/plan.ts';
import { inSpan } from '../telemetry/spans.ts';
import { bookChunks } from './book-chunks.ts';
import { checkConnections } from './check-phase.ts';
import { linkKeysBasisOf, linkKeysFor, type PriorBasis, planBasisOf, touchedBook } from './plan-basis.ts';
import { bookOf, type MirrorSink, readSystem, type SystemRead } from './read-phase.ts';
import type { RunDeps, RunOptions } from './run-types.ts';

export interface Planned {
  /** A sync's decisions are in the store (`store.planning`), walked a page at a time. */
  plan: RunPlan;
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
 * merged over the mirror) and the plan. `plan` and `report` use it directly: it persists
 * nothing then but the connection checks. A sync passes `into`: each page read goes to the
 * mirror as it arrives, and the plan walks the book from the mirror (only what was touched
 * since the last run, where the store shows that is enough; else the whole book, a part at
 * a time), so a run never holds every record. `beforePlan` lets a sync settle a killed
 * run's journal from the fresh data before planning.
 */
export async function readAndPlan(
  deps: RunDeps,
  options: Pick<RunOptions, 'full' | 'force' | 'signal' | 'now' | 'onProgress'> & {
    /** Write the reads to the mirror as they arrive and plan from it (a sync that writes). */
    into?: 'mirror';
  },
  beforePlan?: (records: (refs: string[]) => AccountRecord[], recovered: Map<string, BaselineEntry>) => void,
): Promise<Planned> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const { store, config } = deps;
  await inSpan('spoc.check', {}, () => checkConnections(deps, startedAt, options.signal));
  // What the store said before the reads reach the mirror: from the first page on, the read
  // model no longer stands for the whole mirror, until this run is recorded.
  const prior: PriorBasis = { plan: store.mirror.planBasis(), linkKeys: store.mirror.linkKeysBasis() };
  const indexed = prior.linkKeys === linkKeysBasisOf(config);
  let sink: MirrorSink | undefined;
  if (options.into) {
    store.mirror.setPlanBasis(null);
    sink = { linkKeys: indexed ? linkKeysFor(config) : undefined };
  }
  const reads = await inSpan('spoc.read', {}, () =>
    Promise.all(
      deps.connectors.map((c) =>
        inSpan(
          'spoc.read.system',
          { 'spoc.system': c.system },
          async (span) => {
            const read = await readSystem(c, store, {
              full: options.full,
              now: startedAt,
              peopleRefreshMs: config.peopleRefreshMs,
              logger: deps.logger.child({ system: c.system }),
              ...(options.signal ? { signal: options.signal } : {}),
              ...(options.onProgress ? { onProgress: options.onProgress } : {}),
              ...(sink ? { into: sink } : {}),
            });
            span.setAttributes({
              'spoc.read.full': read.full,
              'spoc.read.people': read.people.length,
              'spoc.read.people_cached': read.peopleReadAt === null,
              'spoc.read.records': read.count,
              'spoc.read.rejected': read.rejected.length,
            });
            return read;
          },
          { system: c.system, what: 'read' },
        ),
      ),
    ),
  );
  // Link keys built for other link rules (or never) are built again from the mirror, now complete.
  if (options.into && !indexed) store.mirror.reindexLinkKeys(linkKeysFor(config), linkKeysBasisOf(config));

  return inSpan('spoc.plan', {}, async (span) => {
    const people = reads.flatMap((r) => r.people);
    const inMemory = options.into ? null : reads.flatMap((r) => bookOf(store, r));
    // Entries settled from a killed run's journal count before the stored ones (persisted with the run's).
    const recovered = new Map<string, BaselineEntry>();
    beforePlan?.((refs) => {
      if (!inMemory) return store.mirror.accountsByRef(refs);
      const wanted = new Set(refs);
      return inMemory.filter((r) => wanted.has(`${r.system}:${r.id}`));
    }, recovered);
    const stored = store.baselines.lookup();
    const baseline: Baseline = {
      get: (key) => recovered.get(key) ?? stored.get(key),
      prefetch: (records) => stored.prefetch?.(records),
    };
    const directory = buildDirectory(people, config.aliases);
    const overrides = store.actions.pendingOverrides();
    const basis = planBasisOf(config, reads);
    const decide = (accounts: AccountRecord[], force: boolean) =>
      makePlan({ people, accounts }, baseline, config, now(), { force, overrides, directory });

    let plan: RunPlan;
    let touched: { refs: ReadonlySet<string>; accounts: AccountRecord[] } | null = null;
    if (inMemory) plan = decide(inMemory, options.force === true);
    else {
      touched = touchedBook(deps, reads, basis, prior, overrides);
      const elsewhere = touched ? store.ownership.bookExcept(touched.refs) : undefined;
      const parts = touched ? [touched.accounts] : bookChunks(store, config);
      // Each part's decisions go to the store as it is planned: the run holds a part's, not the book's.
      store.planning.clear();
      const kept = (part: Plan): Plan => {
        store.planning.keepDecisions(part.decisions);
        return { ...part, decisions: [] };
      };
      const merged = mergePlans(
        Array.from(parts, (accounts) => kept(decide(accounts, true))),
        config,
        { force: options.force, ...(elsewhere ? { elsewhere } : {}) },
      );
      plan = { ...merged, decisions: store.planning.decisions() };
    }
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
