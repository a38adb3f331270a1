import { canonicalEmail } from '../config/canonical-email.ts';
import type { OwnerValue, Person, PersonRecord, SystemId } from '../domain/types.ts';

export interface DirectoryIssue {
  kind: 'single-system' | 'duplicate-email';
  email: string;
  system?: SystemId;
  ids?: string[];
}

/** What a role field points at: a known person, nobody, or someone spoc cannot identify. */
export type Resolved = { kind: 'person'; person: Person } | { kind: 'empty' } | { kind: 'unknown'; value: string };

/** One Person per canonical email, with each system's id and active state. */
export interface Directory {
  persons: ReadonlyMap<string, Person>;
  issues: DirectoryIssue[];
  canonical(email: string): string;
  byEmail(email: string): Person | undefined;
  bySystemId(system: SystemId, id: string): Person | undefined;
  resolve(system: SystemId, value: OwnerValue): Resolved;
}

export function buildDirectory(people: PersonRecord[], aliases: Record<string, string>): Directory {
  const canonical = (email: string) => {
    const c = canonicalEmail(email);
    return aliases[c] ?? c;
  };
  const persons = new Map<string, Person>();
  const byId = new Map<string, Person>();
  const idsByEmailSystem = new Map<string, PersonRecord[]>();

  const sorted = [...people].sort((a, b) => a.system.localeCompare(b.system) || a.id.localeCompare(b.id));
  for (const record of sorted) {
    if (!record.email || record.email.trim() === '') continue;
    const email = canonical(record.email);
    let person = persons.get(email);
    if (!person) {
      person = { email, name: record.name ?? null, systems: {} };
      persons.set(email, person);
    }
    byId.set(`${record.system}:${record.id}`, person);
    const key = `${record.system}:${email}`;
    const list = idsByEmailSystem.get(key) ?? [];
    list.push(record);
    idsByEmailSystem.set(key, list);
  }

  const issues: DirectoryIssue[] = [];
  for (const records of idsByEmailSystem.values()) {
    const first = records[0];
    if (!first) continue;
    const person = persons.get(canonical(first.email ?? ''));
    if (!person) continue;
    if (records.length === 1) {
      person.systems[first.system] = { id: first.id, active: first.active };
      continue;
    }
    // One email, several ids in one system: usable only if exactly one of them is active.
    const active = records.filter((r) => r.active);
    issues.push({ kind: 'duplicate-email', email: person.email, system: first.system, ids: records.map((r) => r.id) });
    if (active.length === 1 && active[0]) person.systems[first.system] = { id: active[0].id, active: true };
  }
  for (const person of persons.values()) {
    const systems = Object.keys(person.systems) as SystemId[];
    if (systems.length === 1)
      issues.push({ kind: 'single-system', email: person.email, system: systems[0] as SystemId });
  }

  return {
    persons,
    issues,
    canonical,
    byEmail: (email) => persons.get(canonical(email)),
    bySystemId: (system, id) => byId.get(`${system}:${id}`),
    resolve: (system, value) => {
      if (value === null) return { kind: 'empty' };
      if ('id' in value) {
        if (value.id.trim() === '') return { kind: 'empty' };
        const person = byId.get(`${system}:${value.id}`);
        return person ? { kind: 'person', person } : { kind: 'unknown', value: value.id };
      }
      if (value.email.trim() === '') return { kind: 'empty' };
      const person = persons.get(canonical(value.email));
      return person ? { kind: 'person', person } : { kind: 'unknown', value: value.email };
    },
  };
}
