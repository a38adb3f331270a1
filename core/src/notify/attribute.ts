import type { Logger } from 'pino';
import type { SpocConfig } from '../config/types.ts';
import type { ChangeQuery, Connector } from '../domain/connector.ts';
import type { AccountDecision, Baseline, RunPlan, SystemId } from '../domain/types.ts';
import type { Directory } from '../engine/directory.ts';
import { handoversOf } from './handovers.ts';

/**
 * Who changed the owner in the deciding system, for the handover notices' "why" (issue
 * 20: "where the vendor says, who changed it"). Asked before the writes, of the deciding
 * system's connector, for the handovers the plan would make: the record phase that
 * queues the notices runs in one transaction and cannot wait on a vendor.
 */

/** Account-roles attributed per run at most: beyond it the notices go out as digests anyway. */
export const ATTRIBUTION_LIMIT = 100;

/** `account \0 role` → who changed it ("Bruno Schmidt", or "a HubSpot workflow"). */
export type Attributions = ReadonlyMap<string, string>;

export const attributionKey = (account: string, role: string) => `${account}\u0000${role}`;

export async function attributeHandovers(
  deps: { config: SpocConfig; connectors: readonly Connector[]; logger: Logger },
  run: { plan: RunPlan; baseline: Baseline; directory: Directory },
  signal?: AbortSignal,
): Promise<Attributions> {
  const found = new Map<string, string>();
  if (!deps.config.notify?.channels.some((c) => c.events.includes('handover'))) return found;
  // The handovers the plan makes if every write lands; those that do not are never told.
  const decided = handoversOf({
    plan: run.plan,
    written: run.plan.changes,
    baseline: run.baseline,
    directory: run.directory,
    config: deps.config,
    ticketsMoved: [],
  }).filter((h) => h.why.kind === 'decided');
  if (decided.length === 0) return found;
  const attributed = decided.slice(0, ATTRIBUTION_LIMIT);
  // The decisions of those accounts only: a large book's are walked, not held.
  const wanted = new Set(attributed.map((h) => h.account));
  const decisions = new Map<string, AccountDecision>();
  for (const d of run.plan.decisions) if (wanted.has(d.account)) decisions.set(d.account, d);
  const asked = new Map<SystemId, { query: ChangeQuery; account: string }[]>();
  for (const handover of attributed) {
    const decision = decisions.get(handover.account);
    const system = decision?.roles.find((r) => r.role === handover.role)?.decidedBy;
    const recordId = system === undefined ? undefined : decision?.records[system];
    if (system === undefined || recordId === undefined) continue;
    asked.set(system, [
      ...(asked.get(system) ?? []),
      { query: { recordId, role: handover.role }, account: handover.account },
    ]);
  }
  const log = deps.logger.child({ phase: 'notify' });
  for (const [system, queries] of asked) {
    const connector = deps.connectors.find((c) => c.system === system);
    if (!connector?.whoChanged) continue;
    try {
      const authors = await connector.whoChanged(
        queries.map((q) => q.query),
        signal,
      );
      for (const author of authors) {
        const asker = queries.find((q) => q.query.recordId === author.recordId && q.query.role === author.role);
        const person = author.personId === undefined ? undefined : run.directory.bySystemId(system, author.personId);
        const who = person ? (person.name ?? person.email) : author.via;
        if (asker && who) found.set(attributionKey(asker.account, author.role), who);
      }
    } catch (error) {
      // A notice without its author is still worth sending: the run goes on.
      log.warn({ system, err: (error as Error).message }, 'could not read who changed the owners');
    }
  }
  return found;
}
