import type { AccountRecord, BaselineEntry, OwnerValue } from '../domain/types.ts';
import type { StateStore } from '../store/state-store.ts';

/**
 * Settles writes a killed run journaled but never confirmed. The vendor data just
 * read says whether each one landed: if the field holds the intended value the write
 * happened (its baseline advances, so it is not mistaken for a human change);
 * otherwise the intent is superseded and this run's plan redoes it if still needed.
 */
export function confirmRecoveredIntents(
  store: StateStore,
  recordsOf: (refs: string[]) => AccountRecord[],
  now: Date,
): BaselineEntry[] {
  const pending = store.journal.pending();
  if (pending.length === 0) return [];
  const records = new Map(
    recordsOf(pending.map((intent) => `${intent.system}:${intent.recordId}`)).map((a) => [`${a.system}:${a.id}`, a]),
  );
  const confirmed: BaselineEntry[] = [];
  const confirmedIds: number[] = [];
  const supersededIds: number[] = [];
  for (const intent of pending) {
    const current = records.get(`${intent.system}:${intent.recordId}`)?.roles[intent.role];
    if (sameValue(current ?? null, intent.toValue)) {
      confirmedIds.push(intent.id);
      confirmed.push({
        system: intent.system,
        recordId: intent.recordId,
        role: intent.role,
        value: intent.toEmail,
        at: now.toISOString(),
      });
    } else {
      supersededIds.push(intent.id);
    }
  }
  store.journal.resolve(confirmedIds, 'confirmed');
  store.journal.resolve(supersededIds, 'superseded');
  return confirmed;
}

function sameValue(a: OwnerValue, b: OwnerValue): boolean {
  if (a === null || b === null) return a === b;
  if ('id' in a && 'id' in b) return a.id === b.id;
  if ('email' in a && 'email' in b) return a.email.trim().toLowerCase() === b.email.trim().toLowerCase();
  return false;
}
