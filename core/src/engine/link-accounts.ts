import type { LinkRule } from '../config/types.ts';
import type { AccountRecord, PlanIssue, SystemId } from '../domain/types.ts';
import { normaliseDomain, normaliseReference } from './normalise-domain.ts';

/** One customer: at most one record per system. */
export interface LinkedAccount {
  key: string;
  name: string;
  records: Partial<Record<SystemId, AccountRecord>>;
}

export interface LinkResult {
  accounts: LinkedAccount[];
  issues: PlanIssue[];
}

/** Order for the stable account key: the system of record first. */
const KEY_ORDER: SystemId[] = ['salesforce', 'hubspot', 'zendesk'];

interface Group {
  records: AccountRecord[];
  /** Linked by an earlier rule: a later rule does not relink its systems. */
  settled: boolean;
  ambiguous: string | null;
}

/**
 * Links records across systems, rule by rule in the configured order. Within a rule,
 * a key shared by two records of one system is ambiguous: the account is reported and
 * skipped, never guessed. A group linked by an earlier rule keeps its records; a later
 * rule only adds systems it lacks.
 */
export function linkAccounts(records: AccountRecord[], rules: LinkRule[], systems: SystemId[]): LinkResult {
  const enabled = new Set(systems);
  const ordered = records
    .filter((r) => enabled.has(r.system))
    .sort((a, b) => a.system.localeCompare(b.system) || a.id.localeCompare(b.id));
  const groupOf = new Map<AccountRecord, Group>();
  for (const record of ordered) groupOf.set(record, { records: [record], settled: false, ambiguous: null });

  for (const rule of rules) {
    const index = new Map<string, AccountRecord[]>();
    for (const record of ordered) {
      for (const key of keysFor(record, rule)) {
        const list = index.get(key) ?? [];
        list.push(record);
        index.set(key, list);
      }
    }
    for (const [key, matched] of index) {
      let groups = [...new Set(matched.map((r) => groupOf.get(r) as Group))];
      if (groups.length < 2) continue;
      // An earlier rule wins: a lone record does not join a settled group that already
      // holds its system.
      const settledSystems = new Set(groups.filter((g) => g.settled).flatMap((g) => g.records.map((r) => r.system)));
      groups = groups.filter((g) => g.settled || !g.records.every((r) => settledSystems.has(r.system)));
      if (groups.length < 2) continue;
      const systemsSeen = groups.flatMap((g) => g.records.map((r) => r.system));
      const clash = new Set(systemsSeen).size !== systemsSeen.length;
      const merged = mergeGroups(groups, groupOf);
      if (clash) merged.ambiguous ??= `${describeRule(rule)} ${key} matches ${merged.records.map(ref).join(', ')}`;
    }
    for (const group of new Set(groupOf.values())) if (group.records.length > 1) group.settled = true;
  }

  const accounts: LinkedAccount[] = [];
  const issues: PlanIssue[] = [];
  for (const group of new Set(groupOf.values())) {
    const bySystem: Partial<Record<SystemId, AccountRecord>> = {};
    for (const r of group.records) bySystem[r.system] = r;
    const keySystem = KEY_ORDER.find((s) => bySystem[s] !== undefined) as SystemId;
    const keyRecord = bySystem[keySystem] as AccountRecord;
    const key = `${keySystem}:${keyRecord.id}`;
    if (group.ambiguous) {
      issues.push({ kind: 'ambiguous', account: key, detail: group.ambiguous });
      continue;
    }
    accounts.push({ key, name: keyRecord.name, records: bySystem });
    for (const system of systems) {
      if (!bySystem[system])
        issues.push({
          kind: 'missing',
          account: key,
          system,
          detail: `no ${system} record linked to ${keyRecord.name}`,
        });
    }
  }
  accounts.sort((a, b) => a.key.localeCompare(b.key));
  return { accounts, issues };
}

/** Folds `groups` into the first one; every record now points at it. */
function mergeGroups(groups: Group[], groupOf: Map<AccountRecord, Group>): Group {
  const [target, ...others] = groups as [Group, ...Group[]];
  for (const other of others) {
    target.records.push(...other.records);
    target.settled ||= other.settled;
    target.ambiguous ??= other.ambiguous;
    for (const r of other.records) groupOf.set(r, target);
  }
  target.records.sort((a, b) => a.system.localeCompare(b.system) || a.id.localeCompare(b.id));
  return target;
}

function keysFor(record: AccountRecord, rule: LinkRule): string[] {
  if (rule.kind === 'domain') {
    return [...new Set(record.domains.map(normaliseDomain).filter((d) => d !== ''))];
  }
  const field = rule.fields[record.system];
  const raw = field === undefined ? record.id : record.xrefs[field];
  if (raw === null || raw === undefined || raw.trim() === '') return [];
  return [normaliseReference(raw)];
}

function describeRule(rule: LinkRule): string {
  return rule.kind === 'domain' ? 'domain' : 'cross-reference';
}

function ref(record: AccountRecord): string {
  return `${record.system}:${record.id}`;
}
