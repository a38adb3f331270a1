import { canonicalEmail } from '../config/canonical-email.ts';
import type { OwnerValue, Person, PersonRecord, SystemId } from '../domain/types.ts';
import { compareText } from './compare-text.ts';

/** Facts about the people lists worth telling an admin; none of them stops a run. */
export type DirectoryIssue =
  /** Known in one system only: they can hold a role there but cannot be written elsewhere. */
  | { kind: 'single-system'; email: string; system: SystemId }
  /**
   * One email held by several users of one system. `chosen` is the one active user spoc
   * writes; null when none or several are active: the person is ambiguous there.
   */
  | { kind: 'duplicate-email'; email: string; system: SystemId; ids: string[]; chosen: string | null };

/**
 * What a role field points at: a known person (with the vendor id held, null for email
 * text fields), nobody, a user without an email (known in that system, but matchable
 * nowhere else), or a value spoc cannot identify.
 */
export type Resolved =
  | { kind: 'person'; person: Person; id: string | null }
  | { kind: 'empty' }
  | { kind: 'no-email'; id: string }
  | { kind: 'unknown'; value: string };

/** Where a person stands in one system: the engine writes only `active` people. */
export type Standing = 'active' | 'inactive' | 'absent' | 'ambiguous';

/** One Person per canonical email, with each system's id and active state. */
export interface Directory {
  persons: ReadonlyMap<string, Person>;
  issues: DirectoryIssue[];
  /** Canonical email with aliases folded to the primary address. */
  canonical(email: string): string;
  byEmail(email: string): Person | undefined;
  bySystemId(system: SystemId, id: string): Person | undefined;
  /** The raw record of a user of `system` by vendor id (also users without an email). */
  recordOf(system: SystemId, id: string): PersonRecord | undefined;
  standing(person: Person, system: SystemId): Standing;
  /** The users of `system` sharing the person's email when there are several (sorted by id), else []. */
  duplicates(person: Person, system: SystemId): PersonRecord[];
  /**
   * Whether a field's value names someone active where it is held: the person's one usable
   * user there, or, for a person ambiguous there, the very user the field holds (an email
   * text field: any of their users) is active. One duplicate never makes the holder unknown.
   */
  activeHolder(system: SystemId, resolved: Resolved): boolean;
  resolve(system: SystemId, value: OwnerValue): Resolved;
}

/**
 * Builds the people directory: records are grouped by canonical email (aliases folded).
 * When one email has several ids in one system, the only active one is used; with none
 * or several active, the person is ambiguous there and never written there. Records
 * without an email stay addressable by (system, id) but match no one across systems.
 */
export function buildDirectory(people: PersonRecord[], aliases: Record<string, string>): Directory {
  const canonical = (email: string) => {
    const c = canonicalEmail(email);
    return Object.hasOwn(aliases, c) ? (aliases[c] as string) : c;
  };
  const persons = new Map<string, Person>();
  // Per system, then by id: the planner looks a person up six times an account, and a
  // `system:id` key built each time would cost more than the lookup.
  const byId = new Map<SystemId, Map<string, Person>>();
  const records = new Map<SystemId, Map<string, PersonRecord>>();
  const ofSystem = <T>(map: Map<SystemId, Map<string, T>>, system: SystemId): Map<string, T> => {
    let inner = map.get(system);
    if (!inner) {
      inner = new Map();
      map.set(system, inner);
    }
    return inner;
  };
  const idsByEmailSystem = new Map<string, { email: string; system: SystemId; records: PersonRecord[] }>();
  /** `system:email` of people ambiguous in that system. */
  const ambiguous = new Set<string>();
  const ambiguousEmails = new Set<string>();

  // Sorted (and deduplicated by system and id) so input order never changes the result.
  const sorted = [...people].sort(
    (a, b) => compareText(a.system, b.system) || compareText(a.id, b.id) || Number(b.active) - Number(a.active),
  );
  for (const record of sorted) {
    const systemRecords = ofSystem(records, record.system);
    if (systemRecords.has(record.id)) continue;
    systemRecords.set(record.id, record);
    if (record.email === null || record.email.trim() === '') continue;
    const email = canonical(record.email);
    let person = persons.get(email);
    if (!person) {
      person = { email, name: record.name ?? null, systems: {} };
      persons.set(email, person);
    }
    ofSystem(byId, record.system).set(record.id, person);
    const key = `${record.system}:${email}`;
    const entry = idsByEmailSystem.get(key) ?? { email, system: record.system, records: [] };
    entry.records.push(record);
    idsByEmailSystem.set(key, entry);
  }

  const issues: DirectoryIssue[] = [];
  for (const [key, { email, system, records: list }] of idsByEmailSystem) {
    const person = persons.get(email) as Person;
    const only = list[0] as PersonRecord;
    if (list.length === 1) {
      person.systems[system] = { id: only.id, active: only.active };
      continue;
    }
    const active = list.filter((r) => r.active);
    const chosen = active.length === 1 ? (active[0] as PersonRecord) : null;
    issues.push({ kind: 'duplicate-email', email, system, ids: list.map((r) => r.id), chosen: chosen?.id ?? null });
    if (chosen) person.systems[system] = { id: chosen.id, active: true };
    else {
      ambiguous.add(key);
      ambiguousEmails.add(email);
    }
  }
  for (const person of persons.values()) {
    const systems = Object.keys(person.systems) as SystemId[];
    const [only] = systems;
    if (systems.length === 1 && only && !ambiguousEmails.has(person.email))
      issues.push({ kind: 'single-system', email: person.email, system: only });
  }
  issues.sort(
    (a, b) => compareText(a.kind, b.kind) || compareText(a.email, b.email) || compareText(a.system, b.system),
  );

  function standing(person: Person, system: SystemId): Standing {
    const entry = person.systems[system];
    if (entry) return entry.active ? 'active' : 'inactive';
    return ambiguous.has(`${system}:${person.email}`) ? 'ambiguous' : 'absent';
  }
  function duplicates(person: Person, system: SystemId): PersonRecord[] {
    const list = idsByEmailSystem.get(`${system}:${person.email}`)?.records ?? [];
    return list.length > 1 ? list : [];
  }

  return {
    persons,
    issues,
    canonical,
    byEmail: (email) => persons.get(canonical(email)),
    bySystemId: (system, id) => byId.get(system)?.get(id),
    recordOf: (system, id) => records.get(system)?.get(id),
    standing,
    duplicates,
    activeHolder: (system, resolved) => {
      if (resolved.kind !== 'person') return false;
      const { person, id } = resolved;
      const usable = standing(person, system);
      if (usable !== 'ambiguous') return usable === 'active';
      if (id !== null) return records.get(system)?.get(id)?.active === true;
      return duplicates(person, system).some((r) => r.active);
    },
    resolve: (system, value) => {
      if (value === null) return { kind: 'empty' };
      if ('id' in value) {
        const id = value.id.trim();
        if (id === '') return { kind: 'empty' };
        const person = byId.get(system)?.get(id);
        if (person) return { kind: 'person', person, id };
        return records.get(system)?.has(id) ? { kind: 'no-email', id } : { kind: 'unknown', value: id };
      }
      if (value.email.trim() === '') return { kind: 'empty' };
      const person = persons.get(canonical(value.email));
      return person ? { kind: 'person', person, id: null } : { kind: 'unknown', value: value.email.trim() };
    },
  };
}
