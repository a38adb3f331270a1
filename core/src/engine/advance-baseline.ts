import {
  type AccountDecision,
  type Baseline,
  type BaselineEntry,
  baselineKey,
  type RunPlan,
  type WriteResult,
} from '../domain/types.ts';
import { chunksOf } from './chunks.ts';

/** Accounts whose stored entries are read at once. */
const PREFETCH_DECISIONS = 1_000;

/**
 * The baseline entries to store after a run (docs/ARCHITECTURE.md, "Deciding one owner"). An entry moves only to a
 * value seen in the vendor or written successfully: a written record takes the value
 * written; when every write of an account's role succeeded, the other records take
 * what they were seen holding. If any write of that role failed or was not sent, only
 * the successful writes move, so the next run still sees the change and retries the
 * failed write, and never re-sends one that succeeded. An unsettled conflict moves nothing.
 * Each entry also remembers the owner decided for the role, so that when nothing has
 * changed but systems still disagree (a target could not take the owner), the next run
 * keeps that decision instead of re-deciding from whatever is held. Entries come one by
 * one: a first run over 100,000 accounts yields ~600,000 of them.
 */
export function* advanceBaseline(
  baseline: Baseline,
  plan: RunPlan,
  results: WriteResult[],
  now: Date,
): Generator<BaselineEntry> {
  const at = now.toISOString();
  const ok = new Set(results.filter((r) => r.ok).map((r) => `${r.recordId}\u0000${r.role}`));
  const changesByRole = new Map<string, RunPlan['changes']>();
  for (const c of plan.changes) {
    const key = `${c.account}\u0000${c.role}`;
    const list = changesByRole.get(key) ?? [];
    list.push(c);
    changesByRole.set(key, list);
  }

  for (const chunk of chunksOf(plan.decisions, PREFETCH_DECISIONS)) {
    // The stored entries of the chunk's accounts in one read (as the planner does).
    baseline.prefetch?.(
      chunk.flatMap((d) => Object.entries(d.records).map(([system, recordId]) => ({ system, recordId }))),
    );
    for (const decision of chunk) yield* advanceDecision(decision);
  }

  function* advanceDecision(decision: AccountDecision): Generator<BaselineEntry> {
    for (const role of decision.roles) {
      if (role.status === 'conflict') continue;
      const changes = changesByRole.get(`${decision.account}\u0000${role.role}`) ?? [];
      const allWritten = changes.every((c) => ok.has(`${c.recordId}\u0000${c.role}`));
      for (const [system, email] of Object.entries(role.owners) as [BaselineEntry['system'], string | null][]) {
        const recordId = decision.records[system];
        if (recordId === undefined) continue;
        const change = changes.find((c) => c.system === system);
        let value: string | null;
        let standIn = false;
        // A write that only swaps a duplicate user for the person's usable one (the same
        // email) leaves the record holding what it held: like an unwritten record, it moves
        // only when every write of the role succeeded, or a source's change would be lost.
        if (change && change.from === change.to && !allWritten) continue;
        if (change) {
          if (!ok.has(`${recordId}\u0000${role.role}`)) continue;
          value = change.to;
          standIn = change.reason.startsWith('fallback:');
        } else {
          if (!allWritten) continue;
          value = email;
        }
        const previous = baseline.get(baselineKey(system, recordId, role.role));
        const decided = role.decided ?? previous?.decided ?? null;
        if (
          previous?.value === value &&
          // An entry stores no decision as an absent field: the same as none decided now.
          (previous.decided ?? null) === decided &&
          (change === undefined || previous.standIn === standIn)
        )
          continue;
        const entry: BaselineEntry = { system, recordId, role: role.role, value, at };
        if (standIn) entry.standIn = true;
        if (decided !== null) entry.decided = decided;
        yield entry;
      }
    }
  }
}
