import type { SpocConfig } from '../config/types.ts';
import { type Baseline, baselineKey, type ChangeReason, type PlannedChange, type SystemId } from '../domain/types.ts';
import type { Directory } from '../engine/directory.ts';
import type { HandoverNotice, HandoverWhy, NoticePerson } from './notice.ts';

/** What a sync wrote and decided, as the handovers are built from it. */
export interface HandoverSource {
  plan: {
    changes: readonly PlannedChange[];
    /** Walked once (a large book's are read from the store a page at a time). */
    decisions: Iterable<{
      account: string;
      name: string;
      records: Record<SystemId, string>;
      roles: readonly {
        role: string;
        decided: string | null;
        decidedBy?: SystemId;
        owners?: Record<SystemId, string | null>;
      }[];
    }>;
  };
  /** The writes that landed. */
  written: readonly PlannedChange[];
  /** The baseline as the run found it (before it advanced). */
  baseline: Baseline;
  directory: Directory;
  config: Pick<SpocConfig, 'systems' | 'enabledSystems' | 'roles'>;
  /** Open tickets this run's handovers moved, per system, account record and role. */
  ticketsMoved: readonly { system: SystemId; accountRecordId: string; role: string; id: string }[];
}

/**
 * One handover per account-role whose point of contact changed this run (the owner
 * decided before → the one decided now) with at least one write that landed. A write
 * that only brings a system back to the owner already decided is no handover, and
 * neither is a retry of one already told: some record's baseline then remembers the
 * new owner as decided.
 */
export function handoversOf(source: HandoverSource): HandoverNotice[] {
  const written = new Map<string, PlannedChange[]>();
  for (const c of source.written) {
    const key = `${c.account}\u0000${c.role}`;
    written.set(key, [...(written.get(key) ?? []), c]);
  }
  const handovers: HandoverNotice[] = [];
  for (const decision of source.plan.decisions) {
    for (const role of decision.roles) {
      const landed = written.get(`${decision.account}\u0000${role.role}`);
      if (!landed || role.decided === null) continue;
      const next = role.decided;
      const remembered = source.config.enabledSystems.flatMap((system) => {
        const recordId = decision.records[system];
        const decided =
          recordId === undefined ? undefined : source.baseline.get(baselineKey(system, recordId, role.role))?.decided;
        return decided === undefined ? [] : [decided];
      });
      if (remembered.includes(next)) continue;
      // Before any decision was remembered (a first sync), the previous POC is whom the
      // deciding system held (the same person: the others only caught up, no handover),
      // else whom the written records held.
      const held = [...new Set(landed.map((c) => c.from).filter((f): f is string => f !== null))];
      const decider = role.decidedBy === undefined ? undefined : role.owners?.[role.decidedBy];
      const previous = remembered[0] ?? decider ?? (held.length === 1 ? held[0] : undefined) ?? null;
      if (previous === next) continue;
      const change = landed.find((c) => c.to === next) ?? (landed[0] as PlannedChange);
      handovers.push({
        kind: 'handover',
        account: decision.account,
        accountName: decision.name,
        links: linksOf(decision.records, source.config),
        role: role.role,
        previous: previous === null ? null : personOf(previous, source.directory),
        next: personOf(next, source.directory),
        why: whyOf(
          change.reason,
          labelOf(role.decidedBy ?? deciderOf(role.role, source.config) ?? change.system, source.config),
        ),
        tickets: ticketsOf(decision.records, role.role, source),
      });
    }
  }
  return handovers;
}

function personOf(email: string, directory: Directory): NoticePerson {
  const name = directory.byEmail(email)?.name;
  return name ? { email, name } : { email };
}

/** A system's display name ("HubSpot"), as people know it. */
function labelOf(system: SystemId, config: HandoverSource['config']): string {
  return config.systems[system]?.label ?? system;
}

/** The change's reason in an account manager's words: who decided it. */
function whyOf(reason: ChangeReason, system: string): HandoverWhy {
  if (reason === 'settled' || reason === 'handover') return { kind: 'admin', action: reason };
  if (reason.startsWith('fallback:'))
    return {
      kind: 'fallback',
      system,
      previousState: reason.slice('fallback:'.length) as 'inactive' | 'unknown' | 'empty',
    };
  return { kind: 'decided', system };
}

/** The system a role's policy names first (the authority), when the plan did not say which decided. */
function deciderOf(role: string, config: Pick<SpocConfig, 'roles'>): SystemId | undefined {
  const policy = config.roles.find((r) => r.name === role)?.policy;
  if (!policy) return undefined;
  return policy.kind === 'authority' ? policy.system : policy.order[0];
}

function linksOf(records: Record<SystemId, string>, config: HandoverSource['config']): HandoverNotice['links'] {
  return config.enabledSystems.flatMap((system) => {
    const recordId = records[system];
    const enabled = config.systems[system];
    const url =
      recordId === undefined || !enabled ? null : (enabled.definition.recordUrl?.(enabled.settings, recordId) ?? null);
    return url && enabled ? [{ label: enabled.label, url }] : [];
  });
}

/** The open tickets moved on this account's records, linked where the system's definition says how. */
function ticketsOf(records: Record<SystemId, string>, role: string, source: HandoverSource): HandoverNotice['tickets'] {
  return source.ticketsMoved
    .filter((m) => m.role === role && records[m.system] === m.accountRecordId)
    .map((m) => {
      const enabled = source.config.systems[m.system];
      const url = enabled?.definition.ticketUrl?.(enabled.settings, m.id) ?? null;
      return { label: enabled?.label ?? m.system, id: m.id, ...(url ? { url } : {}) };
    });
}
