import type { RoleConfig } from '../config/types.ts';
import type { OwnerValue, PlannedChange, Snapshot } from '../domain/types.ts';

/**
 * The snapshot as it would be after `changes` were written: for dry runs, tests and
 * property checks. Email-text fields receive the email, lookup fields the person's id.
 */
export function applyWrites(snapshot: Snapshot, changes: PlannedChange[], roles: RoleConfig[]): Snapshot {
  const byRecord = new Map<string, PlannedChange[]>();
  for (const c of changes) {
    const key = `${c.system}:${c.recordId}`;
    const list = byRecord.get(key) ?? [];
    list.push(c);
    byRecord.set(key, list);
  }
  const kindOf = (role: string, system: PlannedChange['system']) =>
    roles.find((r) => r.name === role)?.fields[system]?.value ?? 'id';
  return {
    people: snapshot.people,
    accounts: snapshot.accounts.map((record) => {
      const mine = byRecord.get(`${record.system}:${record.id}`);
      if (!mine) return record;
      const roleValues = { ...record.roles };
      for (const c of mine) {
        const value: OwnerValue = kindOf(c.role, c.system) === 'email' ? { email: c.to } : { id: c.toId };
        roleValues[c.role] = value;
      }
      return { ...record, roles: roleValues };
    }),
  };
}
