import type { Logger } from 'pino';
import type { Limit } from '../config/types.ts';
import type { CascadeMove, Connector } from '../domain/connector.ts';
import { type CascadeKind, type CascadeStep, overrideKey, type RunPlan, type SystemId } from '../domain/types.ts';
import { allowed, describeLimit } from '../engine/guard.ts';
import { toErrorInfo } from '../errors/spoc-error.ts';
import type { OpenCascade } from '../store/intent-journal.ts';
import type { StateStore } from '../store/state-store.ts';
import { inScope } from '../telemetry/spans.ts';

/**
 * Cascades (contacts take the account's new owner; open tickets held by the previous
 * POC move to the new one) are read before anything is written, so `plan` shows them
 * and the guard counts them; journaled with the owner write that asks for them; and
 * carried out once that write landed. A run stopped in between leaves them open in the
 * journal: the next run previews them again and finishes them.
 */

export interface CascadeItem {
  step: CascadeStep;
  accountName: string;
  /** Journal id when the item comes from a run that stopped before carrying it out. */
  resumed: number | null;
  /** What the preview found would move. */
  moves: CascadeMove[];
}

export interface CascadePlan {
  items: CascadeItem[];
  problems: { account: string; system: SystemId; code: string; message: string }[];
}

export interface CascadeSummary {
  kind: CascadeKind;
  system: SystemId;
  updated: number;
  failed: number;
}

/** What the cascades did: per system and kind, and each record that moved (for the handover notices). */
export interface CascadeOutcome {
  summaries: CascadeSummary[];
  moved: (CascadeMove & { system: SystemId })[];
}

const stepKey = (s: { system: string; recordId: string; role: string }) =>
  `${s.system}\u0000${s.recordId}\u0000${s.role}`;

/**
 * The guard phase for cascades: this plan's and those a stopped run left open once its
 * owner write landed (the ones whose write did not land are cancelled, outside a dry
 * run), previewed, and held against safety.maxCascade unless forced.
 */
export async function planCascades(
  deps: { connectors: Connector[]; store: StateStore; config: { safety: { maxCascade: Limit } } },
  plan: RunPlan,
  options: { dryRun: boolean; force: boolean; signal?: AbortSignal },
): Promise<CascadePlan> {
  const { due, moot } = resumableCascades(deps.store.journal.openCascades());
  if (!options.dryRun)
    deps.store.journal.settleCascades(
      moot.map((c) => c.id),
      'cancelled',
    );
  const cascade = await previewCascades(deps.connectors, plan, due, options.signal);
  if (!options.force) {
    const exempt = new Set(plan.overridden);
    const refused = await guardCascades(
      deps.connectors,
      cascade,
      deps.config.safety.maxCascade,
      exempt,
      options.signal,
    );
    if (refused) plan.refused = { reason: plan.refused ? `${plan.refused.reason}; ${refused}` : refused };
  }
  return cascade;
}

/** Cascades left open by runs that stopped after the owner write landed (the others cannot happen any more). */
export function resumableCascades(open: OpenCascade[]): { due: OpenCascade[]; moot: OpenCascade[] } {
  const landed = (c: OpenCascade) => c.ownerOutcome === 'written' || c.ownerOutcome === 'confirmed';
  const lost = (c: OpenCascade) => c.ownerOutcome === 'failed' || c.ownerOutcome === 'superseded';
  return { due: open.filter(landed), moot: open.filter(lost) };
}

/** Asks each system what its cascades would move: this plan's and the resumed ones. Reads only. */
export async function previewCascades(
  connectors: Connector[],
  plan: RunPlan,
  resumed: OpenCascade[],
  signal?: AbortSignal,
): Promise<CascadePlan> {
  // The accounts of the cascading records only: a large book's decisions are walked, not held.
  const wanted = new Set([...plan.cascades, ...resumed].map((c) => `${c.system}\u0000${c.recordId}`));
  const accountOf = new Map<string, { key: string; name: string }>();
  if (wanted.size > 0)
    for (const d of plan.decisions)
      for (const [system, id] of Object.entries(d.records))
        if (wanted.has(`${system}\u0000${id}`)) accountOf.set(`${system}\u0000${id}`, { key: d.account, name: d.name });
  const named = (step: CascadeStep) => accountOf.get(`${step.system}\u0000${step.recordId}`)?.name ?? step.account;

  const items: CascadeItem[] = [
    ...plan.cascades.map((step) => ({ step, accountName: named(step), resumed: null, moves: [] })),
    ...resumed.map((c) => {
      const step: CascadeStep = {
        kind: c.kind,
        system: c.system,
        account: accountOf.get(`${c.system}\u0000${c.recordId}`)?.key ?? `${c.system}:${c.recordId}`,
        recordId: c.recordId,
        role: c.role,
        fromId: c.fromId,
        toId: c.toId,
      };
      return { step, accountName: named(step), resumed: c.id, moves: [] as CascadeMove[] };
    }),
  ];
  const problems: CascadePlan['problems'] = [];
  for (const connector of connectors) {
    const mine = items.filter((i) => i.step.system === connector.system && connector.cascades?.includes(i.step.kind));
    // Tickets move only from a previous POC spoc knows there.
    const asked = mine.filter((i) => i.step.kind === 'contacts' || i.step.fromId !== null);
    if (asked.length === 0 || !connector.previewCascade) continue;
    const requests = asked.map((i) => ({
      kind: i.step.kind,
      accountRecordId: i.step.recordId,
      fromId: i.step.fromId,
      toId: i.step.toId,
    }));
    const preview = await inScope({ system: connector.system, what: 'cascade.preview' }, () =>
      connector.previewCascade!(requests, signal),
    );
    const byRequest = new Map<string, CascadeItem>();
    for (const i of asked) {
      const key = `${i.step.kind}\u0000${i.step.recordId}\u0000${i.step.toId}`;
      if (!byRequest.has(key)) byRequest.set(key, i);
    }
    for (const move of preview.moves)
      byRequest.get(`${move.kind}\u0000${move.accountRecordId}\u0000${move.toId}`)?.moves.push(move);
    for (const p of preview.problems) {
      const account = asked.find((i) => i.step.recordId === p.accountRecordId)?.step.account ?? p.accountRecordId;
      problems.push({ account, system: connector.system, code: p.code, message: p.message });
    }
  }
  return { items, problems };
}

/**
 * safety.maxCascade per system and kind, over this plan's cascades: resumed ones were
 * allowed by the run that planned them, and an admin's override (`exempt`, by
 * overrideKey) was chosen in the console, as its owner changes are. A percentage is of
 * the records of that kind the system holds, counted with one call only when a limit
 * could be passed.
 */
export async function guardCascades(
  connectors: Connector[],
  cascade: CascadePlan,
  limit: Limit,
  exempt: ReadonlySet<string>,
  signal?: AbortSignal,
): Promise<string | null> {
  const reasons: string[] = [];
  for (const connector of connectors) {
    for (const kind of connector.cascades ?? []) {
      const planned = cascade.items.filter(
        (i) =>
          i.resumed === null &&
          i.step.system === connector.system &&
          i.step.kind === kind &&
          !exempt.has(overrideKey(i.step.account, i.step.role)),
      );
      const moving = planned.reduce((n, i) => n + i.moves.length, 0);
      if (moving === 0) continue;
      if (limit.kind === 'absolute' && moving <= limit.value) continue;
      const counted =
        limit.kind === 'percent'
          ? await inScope({ system: connector.system, what: 'cascade.count' }, async () =>
              connector.countCascadeScope?.(kind, signal),
            )
          : 0;
      const scope = counted ?? moving;
      if (moving <= allowed(limit, scope)) continue;
      const what = kind === 'contacts' ? 'contacts' : 'open tickets';
      reasons.push(
        `${moving} ${what} in ${connector.system} would follow ${planned.length} owner change${planned.length === 1 ? '' : 's'}, more than ${describeLimit('safety.maxCascade', limit, scope, `${what} in ${connector.system}`)}`,
      );
    }
  }
  return reasons.length > 0 ? reasons.join('; ') : null;
}

/**
 * Carries out the cascades whose owner write landed (this run's and the resumed ones),
 * settles their journal entries, and cancels those whose write did not land. A cascade
 * failure is reported; it never undoes the owner change. Stopped (signal) or failed
 * as a whole, a system's cascades stay open for the next run.
 */
export async function applyCascades(
  connectors: Connector[],
  cascade: CascadePlan,
  store: StateStore,
  runId: string,
  logger: Logger,
  signal?: AbortSignal,
): Promise<CascadeOutcome> {
  const journal = new Map<string, number[]>();
  const landed = new Set<string>();
  const lost: number[] = [];
  for (const c of store.journal.openCascades(runId)) {
    if (c.runId !== runId) continue;
    if (c.ownerOutcome === 'written') {
      landed.add(`${stepKey(c)}\u0000${c.kind}`);
      const key = `${stepKey(c)}\u0000${c.kind}`;
      journal.set(key, [...(journal.get(key) ?? []), c.id]);
    } else if (c.ownerOutcome === 'failed') lost.push(c.id);
  }
  store.journal.settleCascades(lost, 'cancelled');

  const summaries: CascadeSummary[] = [];
  const moved: CascadeOutcome['moved'] = [];
  for (const connector of connectors) {
    const due = cascade.items.filter(
      (i) =>
        i.step.system === connector.system &&
        (i.resumed !== null || landed.has(`${stepKey(i.step)}\u0000${i.step.kind}`)),
    );
    for (const kind of connector.cascades ?? []) {
      const items = due.filter((i) => i.step.kind === kind);
      if (items.length === 0 || signal?.aborted) continue;
      const idsOf = (i: CascadeItem) =>
        i.resumed !== null ? [i.resumed] : (journal.get(`${stepKey(i.step)}\u0000${kind}`) ?? []);
      const moves = items.flatMap((i) => i.moves);
      if (moves.length === 0 || !connector.applyCascade) {
        store.journal.settleCascades(items.flatMap(idsOf), 'done');
        continue;
      }
      try {
        const results = await inScope({ system: connector.system, what: 'cascade.apply' }, () =>
          connector.applyCascade!(moves, signal),
        );
        const summary = {
          kind,
          system: connector.system,
          updated: results.reduce((n, r) => n + r.updated, 0),
          failed: results.reduce((n, r) => n + r.failed.length, 0),
        };
        logger.info(summary, 'cascade done');
        summaries.push(summary);
        // An account whose records did not all move stays open: the next run moves the rest.
        const incomplete = new Set(results.filter((r) => r.failed.length > 0).map((r) => r.accountRecordId));
        const refused = new Set(results.flatMap((r) => r.failed.map((f) => `${r.accountRecordId}\u0000${f.id}`)));
        const answered = new Set(results.map((r) => r.accountRecordId));
        for (const move of moves)
          if (answered.has(move.accountRecordId) && !refused.has(`${move.accountRecordId}\u0000${move.id}`))
            moved.push({ ...move, system: connector.system });
        store.journal.settleCascades(items.filter((i) => !incomplete.has(i.step.recordId)).flatMap(idsOf), 'done');
      } catch (error) {
        const info = toErrorInfo(error);
        logger.error({ kind, code: info.code, err: info.message }, 'cascade stopped; the next run finishes it');
        summaries.push({ kind, system: connector.system, updated: 0, failed: moves.length });
      }
    }
  }
  return { summaries, moved };
}
