import { hostname } from 'node:os';
import { baselineKey } from '../domain/types.ts';
import { isSpocError, toErrorInfo } from '../errors/spoc-error.ts';
import { configMask, maskDeep } from '../log/mask.ts';
import { attributeHandovers } from '../notify/attribute.ts';
import { cascadeAttributes, traceRun } from '../telemetry/run-span.ts';
import { inSpan } from '../telemetry/spans.ts';
import type { AppliedChange } from './apply-phase.ts';
import { applyAll } from './apply-phase.ts';
import { applyCascades, planCascades } from './cascade-phase.ts';
import { recordObserved } from './history-phase.ts';
import { notifyAfterRun, type RunContext } from './notify-phase.ts';
import { readAndPlan } from './plan-phase.ts';
import { freshRecords, settleReads } from './read-phase.ts';
import { recordRun } from './record-phase.ts';
import { confirmRecoveredIntents } from './recover-intents.ts';
import { callStats, emptyReport, reportOf } from './run-report.ts';
import type { RunDeps, RunOptions, RunReport, RunStatus } from './run-types.ts';

export { readAndPlan } from './plan-phase.ts';

/**
 * One sync run (docs/ARCHITECTURE.md, "A run"), phase by phase: lock → check → read →
 * plan → guard → apply (owner writes, then cascades) → record → notify → report. With
 * `dryRun`, nothing is written anywhere but the run record (and the connection checks).
 */
export function runSync(deps: RunDeps, options: RunOptions): Promise<RunReport> {
  return traceRun(options, () => syncRun(deps, options));
}

async function syncRun(deps: RunDeps, options: RunOptions): Promise<RunReport> {
  const { store, logger } = deps;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const callsBefore = callStats(deps.connectors);
  const runId = store.runs.start({ dryRun: options.dryRun, full: options.full });
  const log = logger.child({ runId });

  // What the run did, for its alerts: set as it goes.
  const context: RunContext = { queued: 0, applied: [], ran: true };
  const finish = async (report: Omit<RunReport, 'runId' | 'dryRun' | 'durationMs' | 'calls'>): Promise<RunReport> => {
    // Vendor text in the report (errors echoing a credential) leaves without the config's secrets.
    const full: RunReport = maskDeep(
      {
        runId,
        dryRun: options.dryRun,
        ...report,
        calls: callStats(deps.connectors, callsBefore),
        durationMs: Date.now() - started,
      },
      configMask(deps.config),
    );
    // Notify: run alerts, then the outbox delivered; after every write, and never failing the run.
    full.notices = await inSpan('spoc.notify', {}, () => notifyAfterRun(deps, options, full, context));
    // What it cost and tallied is kept with it: /metrics and /readyz read them from the store.
    store.runs.finish(runId, full.status, full.counts, full.message, {
      durationMs: full.durationMs ?? 0,
      calls: full.calls ?? {},
      changes: full.changes,
      ...(full.error
        ? { error: { code: full.error.code, ...(context.errorSystem ? { system: context.errorSystem } : {}) } }
        : {}),
    });
    return full;
  };

  // Lock: one run at a time per state store (a dry run writes nothing and takes none).
  if (!options.dryRun) {
    store.runs.abandonStale();
    const lock = store.runs.acquireLock({ runId, pid: process.pid, host: hostname() });
    if (!lock.ok) {
      const held = lock.heldBy;
      context.ran = false;
      return finish({
        ...emptyReport('refused'),
        message: `another run (${held.runId}, pid ${held.pid} on ${held.host}, since ${held.since}) holds the lock`,
      });
    }
  }

  try {
    // Check, read, plan. A killed run's journal is settled from the fresh data first.
    const planned = await readAndPlan(
      deps,
      { ...options, ...(options.dryRun ? {} : { into: 'mirror' }) },
      (records, base) => {
        if (options.dryRun) return;
        for (const entry of confirmRecoveredIntents(store, records, now())) {
          base.set(baselineKey(entry.system, entry.recordId, entry.role), entry);
        }
      },
    );
    const { plan, reads, baseline, directory } = planned;
    const recorded = { basis: planned.basis, ...(planned.touched ? { touched: planned.touched } : {}) };
    // Guard: maxChanges (in the plan) and maxCascade over the previewed cascades.
    const cascade = await inSpan('spoc.cascade.preview', {}, () => planCascades(deps, plan, options));
    log.info(
      {
        accounts: plan.accounts,
        changes: plan.changes.length,
        issues: plan.issues.length,
        cascadeMoves: cascade.items.reduce((n, i) => n + i.moves.length, 0),
      },
      'planned',
    );
    if (options.dryRun)
      return await finish(reportOf(plan, [], cascade, plan.refused ? 'refused' : 'ok', plan.refused?.reason));

    // What was read is in the mirror; its cursors, and what it showed to the history, before any write.
    settleReads(store, reads);
    recordObserved(store, plan, runId, freshRecords(reads), now());
    const people = { records: reads.flatMap((r) => r.people), directory };
    // The plan holds what it needs: let the records go before the writes (at 100,000
    // accounts they are the largest thing in memory).
    reads.length = 0;

    if (plan.refused) {
      log.warn({ reason: plan.refused.reason }, 'safety guard refused the plan');
      await inSpan('spoc.record', {}, async () =>
        recordRun(deps, { runId, plan, baseline, applied: [], people, now: now(), ...recorded }),
      );
      return await finish(
        reportOf(plan, [], cascade, 'refused', `${plan.refused.reason}; re-run with --force to apply`),
      );
    }

    // Who changed the owners the handovers will tell of, asked before any write.
    const attributions = await inSpan(
      'spoc.attribute',
      {},
      () => attributeHandovers(deps, { plan, baseline, directory }, options.signal),
      { what: 'attribute' },
    );
    // Apply: owner writes (journaled batches), then the cascades of those that landed.
    const applied: AppliedChange[] = await inSpan('spoc.apply', {}, () => applyAll(deps, plan, runId, options));
    context.applied = applied;
    const moved = await inSpan('spoc.cascade.apply', {}, async (span) => {
      const outcome = await applyCascades(deps.connectors, cascade, store, runId, log, options.signal);
      span.setAttributes(cascadeAttributes(outcome));
      return outcome;
    });
    const cascades = moved.summaries;
    // Record: audit, baselines, history, read model, and the handover notices, in one transaction.
    context.queued = await inSpan('spoc.record', {}, async () =>
      recordRun(deps, {
        runId,
        plan,
        baseline,
        applied,
        people,
        now: now(),
        cascade: { plan: cascade, outcome: moved },
        attributions,
        ...recorded,
      }),
    );

    const failed = applied.some((a) => a.result && !a.result.ok) || cascades.some((c) => c.failed > 0);
    const interrupted = applied.some((a) => a.result === undefined);
    const status: RunStatus = failed || interrupted ? 'partial' : 'ok';
    const message = interrupted ? 'stopped before every batch was sent' : undefined;
    return await finish({ ...reportOf(plan, applied, cascade, status, message), cascades });
  } catch (error) {
    const info = toErrorInfo(error);
    log.error({ code: info.code, err: info.message }, 'run failed');
    if (isSpocError(error) && error.system) context.errorSystem = error.system;
    return await finish({
      ...emptyReport('failed'),
      message: info.message,
      error: { code: info.code, kind: info.kind },
    });
  } finally {
    if (!options.dryRun) store.runs.releaseLock(runId);
  }
}
