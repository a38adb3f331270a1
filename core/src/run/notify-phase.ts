import type { Baseline, PersonRecord, RunPlan } from '../domain/types.ts';
import type { Directory } from '../engine/directory.ts';
import { type Attributions, attributionKey } from '../notify/attribute.ts';
import { deliverNotices } from '../notify/deliver.ts';
import { handoversOf } from '../notify/handovers.ts';
import type { RunAlert } from '../notify/notice.ts';
import { alertNotices, handoverNotices, runUrlOf } from '../notify/route-notices.ts';
import { alertTransitions, findingsOf, forceCommand } from '../notify/run-alerts.ts';
import type { AppliedChange } from './apply-phase.ts';
import type { CascadeOutcome, CascadePlan } from './cascade-phase.ts';
import type { RunDeps, RunOptions, RunReport } from './run-types.ts';

/**
 * The notify phase (issue 20). Handover notices are queued with the record phase, in its
 * transaction, so a change recorded always has its notice; run alerts and delivery come
 * last, after every write, and never change how the run went.
 */

/** What a run hands the record phase, which the handovers are built from. */
export interface RecordedRun {
  runId: string;
  plan: RunPlan;
  /** As the run found it (before it advanced). */
  baseline: Baseline;
  applied: AppliedChange[];
  people: { records: PersonRecord[]; directory: Directory };
  now: Date;
  cascade?: { plan: CascadePlan; outcome: CascadeOutcome };
  /** Who changed the owners in the deciding systems, where they said. */
  attributions?: Attributions;
  /** What the plan was decided from, stored once the run is recorded (readAndPlan's `basis`). */
  basis: string;
  /** When the plan decided only the accounts touched since the last run: their records' refs. */
  touched?: ReadonlySet<string>;
}

/** Queues a handover notice per changed account-role, per channel (and person) it goes to; returns how many. */
export function queueHandovers(deps: RunDeps, run: RecordedRun): number {
  const { notify } = deps.config;
  if (!notify?.channels.some((c) => c.events.includes('handover'))) return 0;
  const written = run.applied.filter((a) => a.result?.ok).map((a) => a.change);
  if (written.length === 0) return 0;
  const handovers = handoversOf({
    plan: run.plan,
    written,
    baseline: run.baseline,
    directory: run.people.directory,
    config: deps.config,
    ticketsMoved: ticketsMoved(run.cascade),
  }).map((h) => {
    const changedBy = run.attributions?.get(attributionKey(h.account, h.role));
    return changedBy && h.why.kind === 'decided' ? { ...h, why: { ...h.why, changedBy } } : h;
  });
  return deps.store.outbox.enqueue(run.runId, handoverNotices(run.runId, handovers, notify));
}

/** The open tickets of this run's handovers (not resumed ones: those were told by their own run) that moved. */
function ticketsMoved(cascade: { plan: CascadePlan; outcome: CascadeOutcome } | undefined) {
  if (!cascade) return [];
  const moved = new Set(
    cascade.outcome.moved
      .filter((m) => m.kind === 'openTickets')
      .map((m) => `${m.system}\u0000${m.accountRecordId}\u0000${m.id}`),
  );
  return cascade.plan.items
    .filter((i) => i.resumed === null && i.step.kind === 'openTickets')
    .flatMap((i) =>
      i.moves
        .filter((m) => moved.has(`${i.step.system}\u0000${m.accountRecordId}\u0000${m.id}`))
        .map((m) => ({ system: i.step.system, accountRecordId: m.accountRecordId, role: i.step.role, id: m.id })),
    );
}

/** What the run knew besides its report, for the alerts. */
export interface RunContext {
  /** Queued by the record phase. */
  queued: number;
  applied: AppliedChange[];
  /** The system the error that failed the run came from. */
  errorSystem?: string;
  /** false when another run held the lock: this run saw nothing and must not deliver beside it. */
  ran: boolean;
}

/**
 * After the run: the run alerts raised and cleared against those active, then delivery
 * of the outbox. A dry run (or a run refused the lock) queues and sends nothing.
 */
export async function notifyAfterRun(
  deps: RunDeps,
  options: Pick<RunOptions, 'dryRun' | 'configPath' | 'signal'>,
  report: Omit<RunReport, 'notices'>,
  context: RunContext,
): Promise<NonNullable<RunReport['notices']>> {
  const { store, logger, config } = deps;
  const log = logger.child({ runId: report.runId, phase: 'notify' });
  if (options.dryRun || !context.ran) return { queued: 0, sent: 0, failed: 0, pending: pendingCount(deps) };
  let queued = context.queued;
  try {
    queued += raiseAndClear(deps, options, report, context);
  } catch (error) {
    log.error({ err: (error as Error).message }, 'run alerts could not be recorded');
  }
  const delivery = await deliverNotices(
    store,
    deps.channels ?? [],
    log,
    options.signal ? { signal: options.signal } : {},
  );
  if (!deps.channels && config.notify?.channels.length)
    log.warn({ pending: delivery.pending }, 'no notice channel was handed to the run: notices wait in the outbox');
  return { queued, ...delivery };
}

function raiseAndClear(
  deps: RunDeps,
  options: Pick<RunOptions, 'configPath'>,
  report: Omit<RunReport, 'notices'>,
  context: RunContext,
): number {
  const { store, config } = deps;
  const notify = config.notify;
  // Alerts are tracked only where they are told: a channel added later hears of a problem still there.
  if (!notify?.channels.some((c) => c.events.includes('run'))) return 0;
  const findings = findingsOf(
    {
      status: report.status,
      ...(report.message !== undefined ? { message: report.message } : {}),
      ...(report.error ? { error: report.error } : {}),
      ...(context.errorSystem ? { errorSystem: context.errorSystem } : {}),
      counts: report.counts,
      cascadeFailures: (report.cascades ?? []).reduce((n, c) => n + c.failed, 0),
      writeErrors: context.applied.flatMap((a) =>
        a.result && !a.result.ok ? [{ system: a.change.system, ...a.result.error }] : [],
      ),
      forceCommand: forceCommand(options.configPath ?? config.file),
    },
    notify?.alertOnFailuresAbove ?? 0,
  );
  const { raised, cleared } = alertTransitions(store.outbox.activeAlerts(), findings);
  if (raised.length === 0 && cleared.length === 0) return 0;
  const runUrl = notify ? runUrlOf(notify, report.runId) : undefined;
  const active = new Map(store.outbox.activeAlerts().map((a) => [`${a.problem}\u0000${a.system}`, a]));
  const alerts: RunAlert[] = [
    ...raised.map(
      (f): RunAlert => ({
        kind: 'run',
        problem: f.problem,
        state: 'raised',
        runId: report.runId,
        ...(f.system ? { system: f.system } : {}),
        message: f.message,
        ...(f.counts ? { counts: f.counts } : {}),
        ...(f.command ? { command: f.command } : {}),
        ...(runUrl ? { runUrl } : {}),
      }),
    ),
    ...cleared.map(
      (c): RunAlert => ({
        kind: 'run',
        problem: c.problem,
        state: 'cleared',
        runId: report.runId,
        ...(c.system ? { system: c.system } : {}),
        message: `cleared: ${active.get(`${c.problem}\u0000${c.system}`)?.message ?? c.problem}`,
        ...(runUrl ? { runUrl } : {}),
      }),
    ),
  ];
  return store.outbox.transitionAlerts(report.runId, {
    raised,
    cleared,
    notices: alerts.flatMap((a) => alertNotices(a, notify?.channels ?? [])),
  });
}

function pendingCount(deps: RunDeps): number {
  try {
    return deps.store.outbox.counts().pending;
  } catch {
    return 0;
  }
}
