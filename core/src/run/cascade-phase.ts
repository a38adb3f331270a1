import type { Logger } from 'pino';
import type { Connector } from '../domain/connector.ts';
import type { Plan, SystemId } from '../domain/types.ts';
import { toErrorInfo } from '../errors/spoc-error.ts';
import type { AppliedChange } from './apply-phase.ts';

export interface CascadeSummary {
  kind: 'contacts' | 'openTickets';
  system: SystemId;
  updated: number;
  failed: number;
}

/**
 * Follow-ups of written changes only: contacts take the account's new owner, and
 * open tickets held by the previous POC move to the new one. A cascade failure is
 * reported; it never undoes the owner change.
 */
export async function runCascades(
  connectors: Connector[],
  plan: Plan,
  applied: AppliedChange[],
  logger: Logger,
  signal?: AbortSignal,
): Promise<CascadeSummary[]> {
  const written = new Set(
    applied
      .filter((a) => a.result?.ok)
      .map((a) => `${a.change.system}\u0000${a.change.recordId}\u0000${a.change.role}`),
  );
  const steps = plan.cascades.filter((s) => written.has(`${s.system}\u0000${s.recordId}\u0000${s.role}`));
  const summaries: CascadeSummary[] = [];

  for (const connector of connectors) {
    const mine = steps.filter((s) => s.system === connector.system);
    const contacts = mine.filter((s) => s.kind === 'contacts');
    const tickets = mine.filter((s) => s.kind === 'openTickets' && s.fromId !== null);
    if (contacts.length > 0 && connector.cascadeContacts) {
      summaries.push(
        await summarise('contacts', connector.system, logger, () =>
          connector.cascadeContacts?.(
            contacts.map((s) => ({ accountRecordId: s.recordId, ownerId: s.toId })),
            signal,
          ),
        ),
      );
    }
    if (tickets.length > 0 && connector.handOverOpenTickets) {
      summaries.push(
        await summarise('openTickets', connector.system, logger, () =>
          connector.handOverOpenTickets?.(
            tickets.map((s) => ({ accountRecordId: s.recordId, fromId: s.fromId ?? '', toId: s.toId })),
            signal,
          ),
        ),
      );
    }
  }
  return summaries;
}

async function summarise(
  kind: CascadeSummary['kind'],
  system: SystemId,
  logger: Logger,
  run: () => Promise<{ updated: number; failed: unknown[] }[] | undefined> | undefined,
): Promise<CascadeSummary> {
  try {
    const results = (await run()) ?? [];
    const summary = {
      kind,
      system,
      updated: results.reduce((n, r) => n + r.updated, 0),
      failed: results.reduce((n, r) => n + r.failed.length, 0),
    };
    logger.info(summary, 'cascade done');
    return summary;
  } catch (error) {
    const info = toErrorInfo(error);
    logger.error({ system, kind, code: info.code, err: info.message }, 'cascade failed');
    return { kind, system, updated: 0, failed: 1 };
  }
}
