import type { Logger } from 'pino';
import type { Connector } from '../domain/connector.ts';
import type { AssignmentWrite, CascadeStep, PlannedChange, RunPlan, SystemId, WriteResult } from '../domain/types.ts';
import { toErrorInfo } from '../errors/spoc-error.ts';
import type { StateStore } from '../store/state-store.ts';
import { failSpan, openSpan } from '../telemetry/spans.ts';
import type { ProgressEvent, RunDeps, RunOptions } from './run-types.ts';

export interface AppliedChange {
  change: PlannedChange;
  /** undefined = not attempted (run stopped or the vendor stopped accepting calls). */
  result: WriteResult | undefined;
}

/**
 * Writes one system's changes in journaled batches: intents are recorded before a
 * batch is sent and results after it, so a run killed mid-batch is settled by the
 * next run. A vendor-level failure (daily limit, outage past retries) fails the rest
 * of that system's changes; other systems carry on.
 */
export async function applySystem(
  connector: Connector,
  changes: PlannedChange[],
  context: {
    store: StateStore;
    runId: string;
    logger: Logger;
    batchSize: number;
    /** Whether the role's field in this system holds a person id or an email. */
    valueKind: (role: string) => 'id' | 'email';
    /** The cascades a change asks for, journaled with it. */
    cascadesOf: (change: PlannedChange) => CascadeStep[];
    signal?: AbortSignal;
    onProgress?: (event: ProgressEvent) => void;
  },
): Promise<AppliedChange[]> {
  const { store, runId, logger } = context;
  const system: SystemId = connector.system;
  const applied: AppliedChange[] = [];
  let stopped: ReturnType<typeof toErrorInfo> | null = null;

  for (let start = 0; start < changes.length; start += context.batchSize) {
    const batch = changes.slice(start, start + context.batchSize);
    if (stopped || context.signal?.aborted) {
      for (const change of batch) {
        applied.push({
          change,
          result: stopped ? { recordId: change.recordId, role: change.role, ok: false, error: stopped } : undefined,
        });
      }
      continue;
    }

    const writes: AssignmentWrite[] = batch.map((c) => ({
      recordId: c.recordId,
      role: c.role,
      to: { id: c.toId, email: c.to },
    }));
    const batchId = store.journal.record(
      runId,
      batch.map((c) => ({
        system,
        recordId: c.recordId,
        role: c.role,
        toEmail: c.to,
        toValue: writtenValue(c, context.valueKind(c.role)),
        fromEmail: c.from,
        cascades: context.cascadesOf(c).map((step) => ({ kind: step.kind, fromId: step.fromId, toId: step.toId })),
      })),
    );

    const traced = openSpan(
      'spoc.write.batch',
      { 'spoc.system': system, 'spoc.batch.records': batch.length },
      { system, what: 'write' },
    );
    let results: WriteResult[];
    try {
      results = await traced.within(() => connector.writeAssignments(writes, context.signal));
    } catch (error) {
      const info = toErrorInfo(error);
      failSpan(traced.span, error);
      logger.error({ code: info.code, err: info.message }, 'writes stopped for this system');
      stopped = info;
      results = batch.map((c) => ({ recordId: c.recordId, role: c.role, ok: false as const, error: info }));
    }
    store.journal.settle(batchId, results);

    const byKey = new Map(results.map((r) => [`${r.recordId}\u0000${r.role}`, r]));
    const written: { recordId: string; role: string; value: ReturnType<typeof writtenValue> }[] = [];
    for (const change of batch) {
      const result = byKey.get(`${change.recordId}\u0000${change.role}`) ?? {
        recordId: change.recordId,
        role: change.role,
        ok: false as const,
        error: { code: 'NO_RESULT', kind: 'vendor', message: 'the vendor returned no result for this record' },
      };
      if (result.ok) {
        written.push({
          recordId: change.recordId,
          role: change.role,
          value: writtenValue(change, context.valueKind(change.role)),
        });
      }
      applied.push({ change, result });
    }
    // One commit per batch: the mirror shows what spoc wrote until the vendor says otherwise.
    store.mirror.applyWrittenValuesMany(system, written);
    traced.span.setAttributes({
      'spoc.batch.written': written.length,
      'spoc.batch.failed': batch.length - written.length,
    });
    traced.span.end();
    context.onProgress?.({
      phase: 'write',
      system,
      done: Math.min(start + batch.length, changes.length),
      total: changes.length,
    });
  }
  return applied;
}

/** The value a successful write leaves in the vendor field (id, or email for email-text fields). */
export function writtenValue(change: PlannedChange, kind: 'id' | 'email'): { id: string } | { email: string } {
  return kind === 'email' ? { email: change.to } : { id: change.toId };
}

const DEFAULT_BATCH = 500;

/** The apply phase: every system's changes, the systems in parallel, each in journaled batches. */
export async function applyAll(
  deps: RunDeps,
  plan: RunPlan,
  runId: string,
  options: RunOptions,
): Promise<AppliedChange[]> {
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
