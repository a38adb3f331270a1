import {
  type AssignmentWrite,
  type RecordOutcome,
  type RoleFieldMapping,
  resultsAfterStop,
  type WriteResult,
  writeResults,
} from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import type { FieldPlanCache } from './fields.ts';
import { type FieldDefinition, organizationUpdate } from './mapping.ts';
import { answered, eachLimited, refusesRecord } from './outcomes.ts';

/**
 * Role values onto organizations: Pipedrive updates one organization a call (PATCH
 * /api/v2/organizations/{id}; there is no bulk update), so the fewest calls are one per
 * organization, every role of it in one body. `concurrency` calls in flight, paced by
 * the gate. A refusal of one record (an owner id Pipedrive does not know, a record gone)
 * fails that record with Pipedrive's reason and the others go on. An error that stops
 * the system (bad token, the day's budget, Pipedrive down) sends nothing more: thrown
 * when nothing was written yet, else the written records stay written and the rest fail.
 */
export async function writeAssignments(
  api: PipedriveApi,
  fields: FieldPlanCache,
  writes: AssignmentWrite[],
  roles: Record<string, RoleFieldMapping>,
  concurrency: number,
  signal?: AbortSignal,
): Promise<WriteResult[]> {
  const plan = await fields.plan(signal);
  const outcomes = new Map<string, RecordOutcome>();
  const byRecord = new Map<string, { def: FieldDefinition; userId: number }[]>();
  for (const w of writes) {
    const def = plan.roles[w.role];
    if (!roles[w.role] || !def || outcomes.has(w.recordId)) continue;
    if (!/^\d+$/.test(w.recordId)) {
      outcomes.set(w.recordId, {
        ok: false,
        code: 'PIPEDRIVE_BAD_ID',
        message: `"${w.recordId}" is not a Pipedrive organization id`,
      });
      byRecord.delete(w.recordId);
      continue;
    }
    if (!/^\d+$/.test(w.to.id)) {
      outcomes.set(w.recordId, {
        ok: false,
        code: 'PIPEDRIVE_BAD_USER',
        message: `"${w.to.id}" is not a Pipedrive user id`,
      });
      byRecord.delete(w.recordId);
      continue;
    }
    const values = byRecord.get(w.recordId) ?? [];
    values.push({ def, userId: Number(w.to.id) });
    byRecord.set(w.recordId, values);
  }

  let stopped: unknown = null;
  await eachLimited(
    [...byRecord.entries()],
    concurrency,
    async ([id, values]) => {
      try {
        outcomes.set(id, answered(await api.updateOrganization(Number(id), organizationUpdate(values), signal)));
      } catch (error) {
        if (!refusesRecord(error)) {
          stopped ??= error;
          return;
        }
        const e = error as { code: string; message: string };
        outcomes.set(id, { ok: false, code: e.code, message: e.message });
      }
    },
    () => stopped !== null,
  );
  if (stopped) return resultsAfterStop(writes, roles, outcomes, 'Pipedrive', stopped);
  return writeResults(writes, roles, outcomes, 'Pipedrive');
}
