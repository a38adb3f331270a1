import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connector, ConnectorStats } from '../domain/connector.ts';
import {
  type Baseline,
  type BaselineEntry,
  baselineKey,
  type CascadeStep,
  type OwnerValue,
  type Plan,
  type Snapshot,
  type SystemId,
} from '../domain/types.ts';
import { advanceBaseline } from '../engine/advance-baseline.ts';
import { plan as makePlan } from '../engine/plan.ts';
import { SpocError, toErrorInfo } from '../errors/spoc-error.ts';
import { configMask, maskDeep } from '../log/mask.ts';
import { type AppliedChange, applySystem } from './apply-phase.ts';
import { applyCascades, type CascadePlan, guardCascades, previewCascades, resumableCascades } from './cascade-phase.ts';
import { recordHistory } from './history-phase.ts';
import { persistRead, readSystem, type SystemRead } from './read-phase.ts';
import { confirmRecoveredIntents } from './recover-intents.ts';
import type { RunDeps, RunOptions, RunReport, RunStatus } from './run-types.ts';
import { recordOwnershipState } from './state-phase.ts';

const DEFAULT_BATCH = 500;

/**
 * One sync run (DESIGN.md §4): check → people → accounts → link + plan → guard →
 * apply (vendors in parallel, journaled batches) → cascades → baseline, cursors,
 * history → report. With `dryRun`, nothing is written anywhere but the run record.
 */
export async function runSync(deps: RunDeps, options: RunOptions): Promise<RunReport> {
  const { store, logger } = deps;
  const now = options.now ?? (() => new Date());
  const started = Date.now();
  const runId = store.runs.start({ dryRun: options.dryRun, full: options.full });
  const log = logger.child({ runId });

  const finish = (report: Omit<RunReport, 'runId' | 'dryRun' | 'durationMs' | 'calls'>): RunReport => {
    // Vendor text in the report (errors echoing a credential) leaves without the config's secrets.
    const full: RunReport = maskDeep(
      { runId, dryRun: options.dryRun, ...report, calls: callStats(deps.connectors), durationMs: Date.now() - started },
      configMask(deps.config),
    );
    store.runs.finish(runId, full.status, full.counts, full.message);
    return full;
  };

  if (!options.dryRun) {
    store.runs.abandonStale();
    const lock = store.runs.acquireLock({ runId, pid: process.pid, host: hostname() });
    if (!lock.ok) {
      const held = lock.heldBy;
      return finish({
        ...emptyReport('refused'),
        message: `another run (${held.runId}, pid ${held.pid} on ${held.host}, since ${held.since}) holds the lock`,
      });
    }
  }

  try {
    const { plan, reads, baseline } = await readAndPlan(deps, options, (snapshot, base) => {
      if (options.dryRun) return;
      for (const entry of confirmRecoveredIntents(store, snapshot, now())) {
        base.set(baselineKey(entry.system, entry.recordId, entry.role), entry);
      }
    });
    // Cascades: this plan's, and those a stopped run left open once its owner write landed.
    const { due, moot } = resumableCascades(store.journal.openCascades());
    if (!options.dryRun)
      store.journal.settleCascades(
        moot.map((c) => c.id),
        'cancelled',
      );
    const cascade = await previewCascades(deps.connectors, plan, due, options.signal);
    if (!options.force) {
      const refused = await guardCascades(
        deps.connectors,
        cascade,
        deps.config.safety.maxCascade,
        new Set(plan.overridden),
        options.signal,
      );
      if (refused) plan.refused = { reason: plan.refused ? `${plan.refused.reason}; ${refused}` : refused };
    }
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
      return finish(reportOf(plan, [], cascade, plan.refused ? 'refused' : 'ok', plan.refused?.reason));

    for (const read of reads) persistRead(store, read);
    recordHistory(store, plan, runId, freshRecords(reads), [], now());
    // The records read are in the mirror now and the plan holds what it needs: let them go
    // before the writes (at 100,000 accounts they are the largest thing in memory).
    const people = peopleOf(reads);
    reads.length = 0;

    if (plan.refused) {
      log.warn({ reason: plan.refused.reason }, 'safety guard refused the plan');
      store.baselines.upsert(advanceBaseline(baseline, plan, [], now()));
      recordOwnershipState(store, plan, [], people, deps.config, runId);
      return finish(reportOf(plan, [], cascade, 'refused', `${plan.refused.reason}; re-run with --force to apply`));
    }

    const applied = await applyAll(deps, plan, runId, options);
    const results = applied.flatMap((a) => (a.result ? [a.result] : []));
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

    const cascades = await applyCascades(deps.connectors, cascade, store, runId, log, options.signal);
    store.baselines.upsert(advanceBaseline(baseline, plan, results, now()));
    recordHistory(store, plan, runId, () => false, applied, now());
    recordOwnershipState(store, plan, applied, people, deps.config, runId);

    // A refused write may name someone who left since the people were read: read them again next run.
    for (const system of new Set(applied.filter((a) => a.result && !a.result.ok).map((a) => a.change.system))) {
      store.mirror.forgetPeople(system);
    }
    const failed = applied.some((a) => a.result && !a.result.ok) || cascades.some((c) => c.failed > 0);
    const interrupted = applied.some((a) => a.result === undefined);
    const status: RunStatus = failed || interrupted ? 'partial' : 'ok';
    const report = reportOf(
      plan,
      applied,
      cascade,
      status,
      interrupted ? 'stopped before every batch was sent' : undefined,
    );
    return finish({ ...report, cascades });
  } catch (error) {
    const info = toErrorInfo(error);
    log.error({ code: info.code, err: info.message }, 'run failed');
    return finish({ ...emptyReport('failed'), message: info.message, error: { code: info.code, kind: info.kind } });
  } finally {
    if (!options.dryRun) store.runs.releaseLock(runId);
  }
}

/**
 * The read-only half of a run: check connections, read people and accounts (merged
 * over the mirror), plan. Persists nothing; `plan` and `report` use it directly.
 */
export async function readAndPlan(
  deps: RunDeps,
  options: Pick<RunOptions, 'full' | 'force' | 'signal' | 'now' | 'onProgress'>,
  beforePlan?: (snapshot: Snapshot, recovered: Map<string, BaselineEntry>) => void,
): Promise<{ plan: Plan; reads: SystemRead[]; baseline: Baseline }> {
  const checkedAt = options.now?.() ?? new Date();
  const due = connectorsDueForCheck(deps, checkedAt);
  const problems = await checkAll(due, options.signal);
  if (problems.length > 0) {
    throw new SpocError('auth', 'CHECK_FAILED', `connection check failed:\n  ${problems.join('\n  ')}`);
  }
  recordChecks(deps, due, checkedAt);
  const reads = await Promise.all(
    deps.connectors.map((c) =>
      readSystem(c, deps.store, {
        full: options.full,
        now: checkedAt,
        peopleRefreshMs: deps.config.peopleRefreshMs,
        logger: deps.logger.child({ system: c.system }),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      }),
    ),
  );
  const snapshot: Snapshot = { people: reads.flatMap((r) => r.people), accounts: reads.flatMap((r) => r.accounts) };
  // Entries settled from a killed run's journal count before the stored ones (persisted with the run's).
  const recovered = new Map<string, BaselineEntry>();
  beforePlan?.(snapshot, recovered);
  const stored = deps.store.baselines.lookup();
  const baseline: Baseline = { get: (key) => recovered.get(key) ?? stored.get(key) };
  const now = options.now ?? (() => new Date());
  const plan = makePlan(snapshot, baseline, deps.config, now(), {
    force: options.force,
    overrides: deps.store.actions.pendingOverrides(),
  });
  return { plan, reads, baseline };
}

const CHECK_EVERY_MS = 24 * 3600_000;

/**
 * A connection check (scopes, fields, describe) costs several calls, so it runs when a
 * system's config changed or a day has passed, not on every run: a no-change run must
 * stay at a few calls per vendor. A revoked token still fails the run on its first call.
 */
function connectorsDueForCheck(deps: RunDeps, now: Date): Connector[] {
  return deps.connectors.filter((c) => {
    const last = deps.store.mirror.getCursor(c.system, 'check');
    if (!last) return true;
    const { at, fingerprint } = JSON.parse(last) as { at: string; fingerprint: string };
    return fingerprint !== checkFingerprint(deps, c.system) || now.getTime() - Date.parse(at) > CHECK_EVERY_MS;
  });
}

function recordChecks(deps: RunDeps, connectors: Connector[], now: Date): void {
  for (const c of connectors) {
    deps.store.mirror.setCursor(
      c.system,
      'check',
      JSON.stringify({ at: now.toISOString(), fingerprint: checkFingerprint(deps, c.system) }),
    );
  }
}

/** What a check depends on: the system's settings and the fields spoc uses there (hashed: it holds secrets). */
function checkFingerprint(deps: RunDeps, system: SystemId): string {
  const { config } = deps;
  const fields = config.roles.map((r) => [r.name, r.fields[system] ?? null]);
  const xrefs = config.link.map((l) => (l.kind === 'xref' ? (l.fields[system] ?? null) : 'domain'));
  return createHash('sha256')
    .update(JSON.stringify([config.systems[system] ?? null, fields, xrefs]))
    .digest('hex');
}

async function checkAll(connectors: Connector[], signal?: AbortSignal): Promise<string[]> {
  const results = await Promise.all(
    connectors.map(async (c) => {
      try {
        const check = await c.check(signal);
        return check.problems.map((p) => `${c.system}: ${p}`);
      } catch (error) {
        return [`${c.system}: ${toErrorInfo(error).message}`];
      }
    }),
  );
  return results.flat();
}

async function applyAll(deps: RunDeps, plan: Plan, runId: string, options: RunOptions): Promise<AppliedChange[]> {
  const bySystem = new Map<SystemId, typeof plan.changes>();
  for (const change of plan.changes) {
    const list = bySystem.get(change.system) ?? [];
    list.push(change);
    bySystem.set(change.system, list);
  }
  const cascadesOf = new Map<string, CascadeStep[]>();
  for (const step of plan.cascades) {
    const key = `${step.system}\u0000${step.recordId}\u0000${step.role}`;
    cascadesOf.set(key, [...(cascadesOf.get(key) ?? []), step]);
  }
  const perSystem = await Promise.all(
    deps.connectors
      .filter((c) => bySystem.has(c.system))
      .map((connector) =>
        applySystem(connector, bySystem.get(connector.system) ?? [], {
          store: deps.store,
          runId,
          logger: deps.logger.child({ runId, system: connector.system }),
          batchSize: alignedBatch(options.batchSize ?? DEFAULT_BATCH, connector.writeCallSize),
          cascadesOf: (c) => cascadesOf.get(`${c.system}\u0000${c.recordId}\u0000${c.role}`) ?? [],
          valueKind: (role) =>
            deps.config.roles.find((r) => r.name === role)?.fields[connector.system]?.value === 'email'
              ? 'email'
              : 'id',
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        }),
      ),
  );
  return perSystem.flat();
}

/** The largest multiple of the vendor's call size within `requested` (unchanged when smaller than one call). */
function alignedBatch(requested: number, callSize: number | undefined): number {
  if (!callSize || callSize >= requested) return requested;
  return Math.floor(requested / callSize) * callSize;
}

function reportOf(
  plan: Plan,
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

function resultOf(a: AppliedChange): 'planned' | 'written' | 'failed' {
  if (!a.result) return 'planned';
  return a.result.ok ? 'written' : 'failed';
}

function emptyReport(status: RunStatus): Omit<RunReport, 'runId' | 'dryRun'> {
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

function callStats(connectors: Connector[]): Record<SystemId, ConnectorStats> {
  return Object.fromEntries(connectors.map((c) => [c.system, c.stats()]));
}

function peopleOf(reads: SystemRead[]) {
  return reads.flatMap((r) => r.people);
}

/** Whether a record was read this run: every record of a full read, else the few an incremental read returned. */
function freshRecords(reads: SystemRead[]): (system: SystemId, recordId: string) => boolean {
  const bySystem = new Map(reads.map((r) => [r.system, r.full ? null : new Set(r.fresh.map((a) => a.id))]));
  return (system, recordId) => {
    const ids = bySystem.get(system);
    return ids !== undefined && (ids === null || ids.has(recordId));
  };
}
