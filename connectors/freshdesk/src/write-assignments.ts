import {
  type AssignmentWrite,
  isSpocError,
  type RecordOutcome,
  type RoleFieldMapping,
  toErrorInfo,
  type WriteResult,
} from '@spoc/core/connector';
import type { FreshdeskApi } from './api.ts';
import type { AgentChoices } from './dropdown.ts';
import { companyPath, companyUpdate, type FieldDefinition } from './mapping.ts';

export interface WriteDeps {
  api: FreshdeskApi;
  roles: Record<string, RoleFieldMapping>;
  companyFields: () => Promise<Map<string, FieldDefinition>>;
  agentChoices: () => Promise<AgentChoices>;
  /** Companies written at once (their PUTs still pass the rate gate). */
  concurrency: number;
}

/**
 * Role values onto companies: one `PUT /companies/{id}` per company, its roles merged.
 * That is the minimum: Freshdesk has no bulk company update, so K changed companies cost
 * K calls. A dropdown role is written as the choice naming the agent (dropdown.ts); a
 * target no choice names fails that write with the reason, before any call. A rejected
 * PUT (4xx: validation, a deleted company) fails only its company, with Freshdesk's
 * reason; anything else (the key refused, Freshdesk down after retries, abort) stops
 * starting new PUTs and fails the rest, or is thrown when nothing was written.
 */
export async function writeAssignments(
  deps: WriteDeps,
  writes: AssignmentWrite[],
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const refused = new Map<AssignmentWrite, { code: string; message: string }>();
  const byCompany = new Map<string, Record<string, string>>();
  const dropdowns = writes.some((w) => deps.roles[w.role]?.value === 'id');
  const defs = dropdowns ? await deps.companyFields() : null;
  const choices = dropdowns ? await deps.agentChoices() : null;
  for (const w of writes) {
    const mapping = deps.roles[w.role];
    if (!mapping) continue;
    let value = w.to.email;
    if (mapping.value === 'id') {
      const def = defs?.get(mapping.field);
      const picked = def && choices ? choices.choiceFor(def.choices, w.to) : null;
      if (!picked || 'problem' in picked) {
        refused.set(w, {
          code: def ? 'NO_DROPDOWN_CHOICE' : 'NO_SUCH_FIELD',
          message: picked && 'problem' in picked ? picked.problem : `Freshdesk has no company field "${mapping.field}"`,
        });
        continue;
      }
      value = picked.choice;
    }
    byCompany.set(w.recordId, { ...byCompany.get(w.recordId), [mapping.field]: value });
  }

  const outcomes = new Map<string, RecordOutcome>();
  const ids = [...byCompany.keys()];
  let stopped: unknown = null;
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < ids.length && !stopped; k = next++) {
      const id = ids[k] as string;
      try {
        await deps.api.put(companyPath(id), companyUpdate(byCompany.get(id) ?? {}), signal);
        outcomes.set(id, { ok: true });
      } catch (error) {
        if (isSpocError(error) && error.kind === 'vendor') {
          outcomes.set(id, { ok: false, code: error.code, message: error.message });
        } else stopped ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, deps.concurrency), ids.length) }, worker));
  if (stopped && ![...outcomes.values()].some((o) => o.ok)) throw stopped;
  const stop = stopped ? toErrorInfo(stopped) : null;

  return writes.map((w): WriteResult => {
    const base = { recordId: w.recordId, role: w.role };
    if (!deps.roles[w.role])
      return {
        ...base,
        ok: false,
        error: { code: 'UNKNOWN_ROLE', kind: 'config', message: `no Freshdesk field for role ${w.role}` },
      };
    const refusal = refused.get(w);
    if (refusal) return { ...base, ok: false, error: { ...refusal, kind: 'record' } };
    const o = outcomes.get(w.recordId);
    if (o?.ok) return { ...base, ok: true };
    if (o) return { ...base, ok: false, error: { code: o.code, kind: 'record', message: o.message } };
    return { ...base, ok: false, error: stop ?? { code: 'NO_RESULT', kind: 'record', message: 'not written' } };
  });
}
