import type { LinkRule } from '../config/types.ts';
import type { AccountRecord, PlanIssue, SystemId } from '../domain/types.ts';
import { compareText } from './compare-text.ts';
import { normaliseDomain } from './normalise-domain.ts';
import { normaliseReference } from './normalise-reference.ts';

/** One customer: at most one record per system. */
export interface LinkedAccount {
  /** `<system>:<recordId>` of the first present system in the order salesforce, hubspot, zendesk. */
  key: string;
  name: string;
  records: Partial<Record<SystemId, AccountRecord>>;
}

export interface LinkResult {
  /** Sorted by key. */
  accounts: LinkedAccount[];
  /** `ambiguous` (the account is left out of `accounts`) and `missing` issues. */
  issues: PlanIssue[];
}

/** Order for the stable account key: the system of record first, so the key survives later links. */
const KEY_ORDER: SystemId[] = ['salesforce', 'hubspot', 'zendesk'];

interface Group {
  records: AccountRecord[];
  /** Why this group cannot be linked safely; an ambiguous group is reported and skipped. */
  ambiguous: string | null;
}

/**
 * Links records across systems, rule by rule in the configured order.
 *
 * Within one rule, records sharing a key link together; two records of one system in
 * such a set are ambiguous. A group linked by an earlier rule is never relinked: a
 * later rule only adds records of systems it still lacks, never merges two linked
 * groups (two customers sharing a website stay two customers). A record a later rule
 * offers to two linked groups is claimed by both: it is reported and left unlinked.
 * A linked group offered two records of one system is reported and skipped. spoc
 * never guesses: an ambiguous account is listed as an issue and not planned.
 */
export function linkAccounts(records: AccountRecord[], rules: LinkRule[], systems: SystemId[]): LinkResult {
  const enabled = new Set(systems);
  const seen = new Set<string>();
  const ordered = records
    .filter((r) => enabled.has(r.system))
    .sort((a, b) => compareText(a.system, b.system) || compareText(a.id, b.id))
    .filter((r) => {
      const id = ref(r);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  const groupOf = new Map<AccountRecord, Group>();
  for (const record of ordered) groupOf.set(record, { records: [record], ambiguous: null });

  for (const rule of rules) applyRule(rule, ordered, groupOf);

  const accounts: LinkedAccount[] = [];
  const issues: PlanIssue[] = [];
  for (const group of new Set(groupOf.values())) {
    const bySystem: Partial<Record<SystemId, AccountRecord>> = {};
    for (const r of group.records) bySystem[r.system] ??= r;
    const key = keyOf(group);
    const keyRecord = group.records.find((r) => ref(r) === key) as AccountRecord;
    if (group.ambiguous !== null) {
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
  accounts.sort((a, b) => compareText(a.key, b.key));
  issues.sort((a, b) => compareText(a.account, b.account) || compareText(a.system ?? '', b.system ?? ''));
  return { accounts, issues };
}

function applyRule(rule: LinkRule, ordered: AccountRecord[], groupOf: Map<AccountRecord, Group>): void {
  // Groups linked by earlier rules, and ambiguous ones (frozen: already reported).
  const linked = new Set([...groupOf.values()].filter((g) => g.records.length > 1 && g.ambiguous === null));
  const frozen = (g: Group) => g.ambiguous !== null;

  const index = new Map<string, AccountRecord[]>();
  for (const record of ordered) {
    if (frozen(groupOf.get(record) as Group)) continue;
    for (const key of keysFor(record, rule)) {
      const list = index.get(key) ?? [];
      list.push(record);
      index.set(key, list);
    }
  }

  // 1. Records not yet linked join up through shared keys (union-find over records).
  const parent = new Map<AccountRecord, AccountRecord>();
  const find = (r: AccountRecord): AccountRecord => {
    let root = r;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root) as AccountRecord;
    parent.set(r, root);
    return root;
  };
  const isFree = (r: AccountRecord) => !linked.has(groupOf.get(r) as Group);
  const keysOfComponent = new Map<AccountRecord, Set<string>>();
  for (const [key, matched] of index) {
    const free = matched.filter(isFree);
    const [first, ...rest] = free;
    if (!first) continue;
    for (const r of rest) {
      const a = find(first);
      const b = find(r);
      if (a !== b) parent.set(b, a);
    }
    if (rest.length > 0) keysOfComponent.set(first, (keysOfComponent.get(first) ?? new Set()).add(key));
  }
  const components = new Map<AccountRecord, AccountRecord[]>();
  for (const r of ordered) {
    if (!isFree(r) || frozen(groupOf.get(r) as Group)) continue;
    const root = find(r);
    components.set(root, [...(components.get(root) ?? []), r]);
  }
  const componentKeys = new Map<AccountRecord, Set<string>>();
  for (const [r, keys] of keysOfComponent) {
    const root = find(r);
    componentKeys.set(root, new Set([...(componentKeys.get(root) ?? []), ...keys]));
  }

  // 2. Which linked groups each component is offered to: those lacking all its systems.
  // A group lacking only some of them contests the component: one of its records would
  // fit the group, the others keep it away, so it belongs to neither for sure.
  const offers = new Map<AccountRecord, { groups: Set<Group>; contested: Set<Group>; keys: Set<string> }>();
  for (const [key, matched] of index) {
    const groups = [...new Set(matched.filter((r) => !isFree(r)).map((r) => groupOf.get(r) as Group))];
    if (groups.length === 0) continue;
    for (const root of new Set(matched.filter(isFree).map(find))) {
      const component = components.get(root) as AccountRecord[];
      for (const group of groups) {
        const lacks = (r: AccountRecord) => !group.records.some((g) => g.system === r.system);
        const fits = component.every(lacks);
        const contests = !fits && matched.some((r) => component.includes(r) && lacks(r));
        if (!fits && !contests) continue;
        const offer = offers.get(root) ?? { groups: new Set(), contested: new Set(), keys: new Set() };
        (fits ? offer.groups : offer.contested).add(group);
        offer.keys.add(key);
        offers.set(root, offer);
      }
    }
  }

  // 3. Components claimed by two linked groups stay out; the others join their group.
  const joining = new Map<Group, { records: AccountRecord[]; keys: Set<string> }>();
  for (const [root, component] of components) {
    const offer = offers.get(root);
    if (offer && (offer.groups.size > 1 || offer.contested.size > 0)) {
      const claimants = [...offer.groups, ...offer.contested].map((g) => keyOf(g)).sort(compareText);
      const matches = `${describe(rule, offer.keys)} matches ${component.map(ref).join(', ')}`;
      mergeInto(groupOf, component, groupOf.get(root) as Group);
      (groupOf.get(root) as Group).ambiguous =
        offer.contested.size > 0
          ? `${matches}, which could belong to account ${claimants.join(' or ')} or to each other`
          : `${matches}, claimed by accounts ${claimants.join(' and ')}`;
      continue;
    }
    const target = offer ? ([...offer.groups][0] as Group) : null;
    if (!target) {
      if (component.length < 2) continue;
      const group = groupOf.get(root) as Group;
      mergeInto(groupOf, component, group);
      if (hasClash(group.records))
        group.ambiguous = `${describe(rule, componentKeys.get(root) ?? new Set())} matches ${group.records.map(ref).join(', ')}`;
      continue;
    }
    const entry = joining.get(target) ?? { records: [], keys: new Set() };
    entry.records.push(...component);
    for (const k of offer?.keys ?? []) entry.keys.add(k);
    for (const k of componentKeys.get(root) ?? []) entry.keys.add(k);
    joining.set(target, entry);
  }
  for (const [group, { records, keys }] of joining) {
    mergeInto(groupOf, records, group);
    if (hasClash(group.records))
      group.ambiguous = `${describe(rule, keys)} matches ${group.records.map(ref).join(', ')}`;
  }
}

/** Moves `records` (and their groups' records) into `target`, keeping records sorted. */
function mergeInto(groupOf: Map<AccountRecord, Group>, records: AccountRecord[], target: Group): void {
  for (const r of records) {
    const from = groupOf.get(r) as Group;
    if (from === target) continue;
    for (const moved of from.records) {
      if (!target.records.includes(moved)) target.records.push(moved);
      groupOf.set(moved, target);
    }
  }
  target.records.sort((a, b) => compareText(a.system, b.system) || compareText(a.id, b.id));
}

function hasClash(records: AccountRecord[]): boolean {
  return new Set(records.map((r) => r.system)).size !== records.length;
}

function keyOf(group: Group): string {
  const system = KEY_ORDER.find((s) => group.records.some((r) => r.system === s)) as SystemId;
  return ref(group.records.find((r) => r.system === system) as AccountRecord);
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

function describe(rule: LinkRule, keys: Set<string>): string {
  return `${rule.kind === 'domain' ? 'domain' : 'cross-reference'} ${[...keys].sort(compareText).join(', ')}`;
}

function ref(record: AccountRecord): string {
  return `${record.system}:${record.id}`;
}
