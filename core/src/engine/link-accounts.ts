import type { LinkRule } from '../config/types.ts';
import type { AccountRecord, PlanIssue, SystemId } from '../domain/types.ts';
import { compareText } from './compare-text.ts';
import { normaliseDomain } from './normalise-domain.ts';

/** One customer: at most one record per system. */
export interface LinkedAccount {
  /** `<system>:<recordId>` of the first present system in the config's key order. */
  key: string;
  name: string;
  records: Record<SystemId, AccountRecord>;
}

export interface LinkResult {
  /** Sorted by key. */
  accounts: LinkedAccount[];
  /** `ambiguous` (the account is left out of `accounts`) and `missing` issues. */
  issues: PlanIssue[];
}

/** What linking needs of the config: the systems, which names an account, how references compare. */
export interface LinkOptions {
  systems: SystemId[];
  /** The first present system names the account (the system of record first, so the key survives later links). */
  keyOrder: SystemId[];
  /** The comparable form of a cross-reference value (each system's id forms folded). */
  normaliseReference: (value: string) => string;
}

/** Link options from a config: every enabled system's reference forms apply to every reference. */
export function linkOptionsOf(config: {
  enabledSystems: SystemId[];
  keyOrder: SystemId[];
  systems: Record<SystemId, { definition: { link: { normaliseReference?: (v: string) => string } } }>;
}): LinkOptions {
  const forms = config.enabledSystems.flatMap((id) => {
    const f = config.systems[id]?.definition.link.normaliseReference;
    return f ? [f] : [];
  });
  return {
    systems: config.enabledSystems,
    keyOrder: config.keyOrder,
    normaliseReference: (value) => {
      let v = value.trim();
      for (const f of forms) v = f(v);
      return v;
    },
  };
}

/** Records are handled by their index in the sorted input; a group's members stay in that order. */
interface Group {
  members: number[];
  /** Bit per system held (a system's bit is 1 << its index in the enabled systems). */
  mask: number;
  /** Why this group cannot be linked safely; an ambiguous group is reported and skipped. */
  ambiguous: string | null;
}

/** Linked groups a free component may join (or that contest it); a few are enough to tell. */
interface Offer {
  fits: Set<Group>;
  contested: Set<Group>;
  keys: Set<string>;
}

const CLAIMANTS_KEPT = 3;

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
export function linkAccounts(records: AccountRecord[], rules: LinkRule[], options: LinkOptions): LinkResult {
  const { systems } = options;
  const enabled = new Set(systems);
  // Sorted, so a record read twice sits next to its duplicate: keep the first.
  const ordered = records
    .filter((r) => enabled.has(r.system))
    .sort((a, b) => compareText(a.system, b.system) || compareText(a.id, b.id))
    .filter((r, i, all) => i === 0 || r.system !== all[i - 1]?.system || r.id !== all[i - 1]?.id);
  const linker = new Linker(ordered, options);
  for (const rule of rules) linker.apply(rule);

  const accounts: LinkedAccount[] = [];
  const issues: PlanIssue[] = [];
  for (const group of new Set(linker.groupOf)) {
    const members = group.members.map((i) => ordered[i] as AccountRecord);
    const bySystem: Record<SystemId, AccountRecord> = {};
    for (const r of members) bySystem[r.system] ??= r;
    const keyRecord = keyRecordOf(members, options.keyOrder);
    const key = ref(keyRecord);
    if (group.ambiguous !== null) {
      issues.push({ kind: 'ambiguous', account: key, accountName: keyRecord.name, detail: group.ambiguous });
      continue;
    }
    accounts.push({ key, name: keyRecord.name, records: bySystem });
    for (const system of systems) {
      if (!bySystem[system])
        issues.push({
          kind: 'missing',
          account: key,
          accountName: keyRecord.name,
          system,
          detail: `no ${system} record linked to ${keyRecord.name}`,
        });
    }
  }
  accounts.sort((a, b) => compareText(a.key, b.key));
  issues.sort((a, b) => compareText(a.account, b.account) || compareText(a.system ?? '', b.system ?? ''));
  return { accounts, issues };
}

class Linker {
  readonly records: AccountRecord[];
  readonly groupOf: Group[];
  readonly options: LinkOptions;
  private readonly bits: Map<SystemId, number>;

  constructor(records: AccountRecord[], options: LinkOptions) {
    this.records = records;
    this.options = options;
    this.bits = new Map(options.systems.map((s, i) => [s, 1 << i]));
    this.groupOf = records.map((r, i) => ({ members: [i], mask: this.bit(r.system), ambiguous: null }));
  }

  private bit(system: SystemId): number {
    return this.bits.get(system) ?? 0;
  }

  apply(rule: LinkRule): void {
    const { records, groupOf } = this;
    // Groups linked by earlier rules. Ambiguous groups are frozen: already reported, not relinked.
    const isLinked = (g: Group) => g.members.length > 1 && g.ambiguous === null;

    // Key → the records holding it. Most keys are held by one record: those keep a bare
    // index, not a list (at 100,000 accounts that is ~300,000 arrays fewer per rule).
    const holders = new Map<string, number | number[]>();
    for (let i = 0; i < records.length; i++) {
      if ((groupOf[i] as Group).ambiguous !== null) continue;
      for (const key of keysFor(records[i] as AccountRecord, rule, this.options.normaliseReference)) {
        const held = holders.get(key);
        if (held === undefined) holders.set(key, i);
        else if (typeof held === 'number') holders.set(key, [held, i]);
        else held.push(i);
      }
    }

    // 1. Records not yet linked join up through shared keys (union-find over indices).
    const parent = new Int32Array(records.length).map((_, i) => i);
    const find = (i: number): number => {
      let root = i;
      while (parent[root] !== root) root = parent[root] as number;
      for (let at = i; at !== root; ) {
        const next = parent[at] as number;
        parent[at] = root;
        at = next;
      }
      return root;
    };
    const shared: [string, number[]][] = [];
    const joinKeys: [number, string][] = [];
    for (const [key, matched] of holders) {
      if (typeof matched === 'number') continue;
      shared.push([key, matched]);
      let first = -1;
      for (const i of matched) {
        if (isLinked(groupOf[i] as Group)) continue;
        if (first === -1) {
          first = i;
          continue;
        }
        const a = find(first);
        const b = find(i);
        if (a !== b) parent[b] = a;
        if (joinKeys.at(-1)?.[1] !== key) joinKeys.push([first, key]);
      }
    }
    // Components of free records that share a key with anything (others have nothing to do).
    const components = new Map<number, number[]>();
    const componentMask = new Map<number, number>();
    const touched = new Uint8Array(records.length);
    for (const [, matched] of shared) for (const i of matched) if (!isLinked(groupOf[i] as Group)) touched[i] = 1;
    for (let i = 0; i < records.length; i++) {
      if (touched[i] === 0) continue;
      const root = find(i);
      const list = components.get(root);
      if (list) list.push(i);
      else components.set(root, [i]);
      componentMask.set(root, (componentMask.get(root) ?? 0) | this.bit((records[i] as AccountRecord).system));
    }
    const componentKeys = new Map<number, Set<string>>();
    for (const [i, key] of joinKeys) {
      const root = find(i);
      componentKeys.set(root, (componentKeys.get(root) ?? new Set()).add(key));
    }

    // 2. Which linked groups each component is offered to: those lacking all its systems.
    // A group lacking only some of them contests the component: one of its records would
    // fit the group, the others keep it away, so it belongs to neither for sure. Only a
    // few groups per component are kept: two already make it ambiguous.
    const offers = new Map<number, Offer>();
    for (const [key, matched] of shared) {
      const kinds = new Map<number, Set<Group>>(); // linked groups by the systems they hold
      const freeMask = new Map<number, number>(); // component → systems matched by this key
      for (const i of matched) {
        const group = groupOf[i] as Group;
        if (!isLinked(group)) {
          const root = find(i);
          freeMask.set(root, (freeMask.get(root) ?? 0) | this.bit((records[i] as AccountRecord).system));
          continue;
        }
        const kind = kinds.get(group.mask) ?? new Set();
        if (kind.size < CLAIMANTS_KEPT) kind.add(group);
        kinds.set(group.mask, kind);
      }
      if (kinds.size === 0) continue;
      for (const [root, matchedMask] of freeMask) {
        const own = componentMask.get(root) as number;
        for (const [mask, groups] of kinds) {
          const fits = (own & mask) === 0;
          if (!fits && (matchedMask & ~mask) === 0) continue;
          const offer = offers.get(root) ?? { fits: new Set(), contested: new Set(), keys: new Set() };
          const into = fits ? offer.fits : offer.contested;
          for (const g of groups) if (into.size < CLAIMANTS_KEPT) into.add(g);
          offer.keys.add(key);
          offers.set(root, offer);
        }
      }
    }

    // 3. Components claimed by two linked groups stay out; the others join their group.
    const joining = new Map<Group, { members: number[]; keys: Set<string> }>();
    for (const [root, component] of components) {
      const offer = offers.get(root);
      if (offer && (offer.fits.size > 1 || offer.contested.size > 0)) {
        const claimants = [...offer.fits, ...offer.contested].map((g) => ref(this.keyRecord(g))).sort(compareText);
        const named = claimants.length >= CLAIMANTS_KEPT ? [...claimants.slice(0, 2), 'others'] : claimants;
        const matches = `${describe(rule, offer.keys)} matches ${this.list(component)}`;
        const group = this.merge(component, groupOf[root] as Group);
        group.ambiguous =
          offer.contested.size > 0
            ? `${matches}, which could belong to account ${named.join(' or ')} or to each other`
            : `${matches}, claimed by accounts ${named.join(' and ')}`;
        continue;
      }
      const target = offer ? ([...offer.fits][0] as Group) : null;
      if (!target) {
        if (component.length < 2) continue;
        const group = this.merge(component, groupOf[root] as Group);
        if (this.clash(group))
          group.ambiguous = `${describe(rule, componentKeys.get(root) ?? new Set())} matches ${this.list(group.members)}`;
        continue;
      }
      const entry = joining.get(target) ?? { members: [], keys: new Set() };
      entry.members.push(...component);
      for (const k of offer?.keys ?? []) entry.keys.add(k);
      for (const k of componentKeys.get(root) ?? []) entry.keys.add(k);
      joining.set(target, entry);
    }
    for (const [group, { members, keys }] of joining) {
      this.merge(members, group);
      if (this.clash(group)) group.ambiguous = `${describe(rule, keys)} matches ${this.list(group.members)}`;
    }
  }

  /** Moves the groups of `members` into `target` (members kept in input order); returns `target`. */
  private merge(members: number[], target: Group): Group {
    const done = new Set<Group>([target]);
    for (const i of members) {
      const from = this.groupOf[i] as Group;
      if (done.has(from)) continue;
      done.add(from);
      for (const moved of from.members) {
        target.members.push(moved);
        this.groupOf[moved] = target;
      }
      target.mask |= from.mask;
    }
    target.members.sort((a, b) => a - b);
    return target;
  }

  private clash(group: Group): boolean {
    return new Set(group.members.map((i) => (this.records[i] as AccountRecord).system)).size !== group.members.length;
  }

  private keyRecord(group: Group): AccountRecord {
    return keyRecordOf(
      group.members.map((i) => this.records[i] as AccountRecord),
      this.options.keyOrder,
    );
  }

  /** Record refs for an issue detail, capped so a placeholder shared by thousands stays readable. */
  private list(members: number[]): string {
    const shown = members.slice(0, 10).map((i) => ref(this.records[i] as AccountRecord));
    return members.length > 10 ? `${shown.join(', ')} and ${members.length - 10} more` : shown.join(', ');
  }
}

/** The record giving the account its key: the first present in the key order. */
function keyRecordOf(members: AccountRecord[], keyOrder: SystemId[]): AccountRecord {
  for (const system of keyOrder) {
    const r = members.find((m) => m.system === system);
    if (r) return r;
  }
  return members[0] as AccountRecord;
}

/** The keys a record offers under one rule: its normalised domains, or its cross-reference value. */
export function keysFor(record: AccountRecord, rule: LinkRule, normaliseReference: (v: string) => string): string[] {
  if (rule.kind === 'domain') {
    // A plain loop: records hold one or two domains, and linking 300,000 records should
    // not make four throwaway collections for each.
    const keys: string[] = [];
    for (const raw of record.domains) {
      const domain = normaliseDomain(raw);
      if (domain !== '' && !keys.includes(domain)) keys.push(domain);
    }
    return keys;
  }
  const field = rule.fields[record.system];
  const raw = field === undefined ? record.id : record.xrefs[field];
  if (raw === null || raw === undefined || raw.trim() === '') return [];
  return [normaliseReference(raw)];
}

function describe(rule: LinkRule, keys: Set<string>): string {
  const sorted = [...keys].sort(compareText);
  const shown =
    sorted.length > 5 ? `${sorted.slice(0, 5).join(', ')} and ${sorted.length - 5} more` : sorted.join(', ');
  return `${rule.kind === 'domain' ? 'domain' : 'cross-reference'} ${shown}`;
}

/** `<system>:<recordId>`: how issues and account keys name a record. */
export function ref(record: Pick<AccountRecord, 'system' | 'id'>): string {
  return `${record.system}:${record.id}`;
}
