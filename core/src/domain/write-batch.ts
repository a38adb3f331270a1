import { toErrorInfo } from '../errors/spoc-error.ts';
import type { RoleFieldMapping } from './connector.ts';
import type { AssignmentWrite, WriteResult } from './types.ts';

/** What a vendor said about one record of a batch write. */
export type RecordOutcome = { ok: true } | { ok: false; code: string; message: string };

/**
 * One entry per record, carrying every role written to it (field → value), so a
 * record with several roles costs one slot in a vendor batch, not one per role.
 * Lookup/owner fields take the person's id, email text fields the email.
 */
export function fieldsByRecord(
  writes: AssignmentWrite[],
  roles: Record<string, RoleFieldMapping>,
): Map<string, Record<string, string>> {
  const byRecord = new Map<string, Record<string, string>>();
  for (const w of writes) {
    const mapping = roles[w.role];
    if (!mapping) continue;
    const fields = byRecord.get(w.recordId) ?? {};
    fields[mapping.field] = mapping.value === 'email' ? w.to.email : w.to.id;
    byRecord.set(w.recordId, fields);
  }
  return byRecord;
}

/** One result per write, in input order, from the per-record outcomes of the batches. */
export function writeResults(
  writes: AssignmentWrite[],
  roles: Record<string, RoleFieldMapping>,
  outcomes: ReadonlyMap<string, RecordOutcome>,
  system: string,
): WriteResult[] {
  return writes.map((w): WriteResult => {
    if (!roles[w.role]) {
      return {
        recordId: w.recordId,
        role: w.role,
        ok: false,
        error: { code: 'UNKNOWN_ROLE', kind: 'config', message: `no ${system} field for role ${w.role}` },
      };
    }
    const outcome = outcomes.get(w.recordId) ?? {
      ok: false,
      code: 'NO_RESULT',
      message: `${system} returned no result for this record`,
    };
    if (outcome.ok) return { recordId: w.recordId, role: w.role, ok: true };
    return {
      recordId: w.recordId,
      role: w.role,
      ok: false,
      error: { code: outcome.code, kind: 'record', message: outcome.message },
    };
  });
}

/**
 * Results of a batch write that an error stopping the whole system (auth, daily limit,
 * retries spent) cut short. Nothing written yet: the error is thrown, so the run reports
 * the system's failure. Otherwise the written records stay written, the writes never sent
 * fail with that error, and no success is ever reported lost.
 */
export function resultsAfterStop(
  writes: AssignmentWrite[],
  roles: Record<string, RoleFieldMapping>,
  outcomes: ReadonlyMap<string, RecordOutcome>,
  system: string,
  stopped: unknown,
): WriteResult[] {
  if (![...outcomes.values()].some((o) => o.ok)) throw stopped;
  const stop = toErrorInfo(stopped);
  return writeResults(writes, roles, outcomes, system).map((r) =>
    !r.ok && !outcomes.has(r.recordId) && roles[r.role] ? { ...r, error: stop } : r,
  );
}
