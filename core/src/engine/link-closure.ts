import type { LinkRule } from '../config/types.ts';
import type { AccountRecord } from '../domain/types.ts';
import { keysFor, type LinkOptions, ref } from './link-accounts.ts';

/** A record's link keys under every rule, as `<rule index>:<key>` (what the store indexes). */
export function linkKeysOf(record: AccountRecord, rules: readonly LinkRule[], options: LinkOptions): string[] {
  const keys: string[] = [];
  for (const [i, rule] of rules.entries())
    for (const key of keysFor(record, rule, options.normaliseReference)) keys.push(`${i}:${key}`);
  return keys;
}

/** Where the closure looks up keys: the records in memory, or the store's index of them. */
export interface LinkKeyIndex {
  /** The keys the records (refs) hold now. */
  keysOf(refs: readonly string[]): string[];
  /** The refs of the records holding any of the keys now (a few more do no harm). */
  holdersOf(keys: readonly string[]): string[];
}

/**
 * The records whose linking (and so whose accounts' decisions) a set of seed records can
 * affect: the seeds and every record reachable from them through a key they share under
 * any link rule. Linking only ever joins records through shared keys, so accounts made of
 * these records link, and decide, exactly as they would among all records; the other
 * records' accounts are as the last run left them. `formerKeys` are the keys seeds held
 * before an edit (they still name the records they were linked with). Returns the refs of
 * the closure, or null once it passes `limit` records.
 */
export function linkClosure(
  seeds: { refs: Iterable<string>; formerKeys: Iterable<string> },
  index: LinkKeyIndex,
  limit = Number.POSITIVE_INFINITY,
): Set<string> | null {
  const members = new Set(seeds.refs);
  const seen = new Set<string>();
  let refs = [...members];
  let keys = [...new Set(seeds.formerKeys)];
  for (const key of keys) seen.add(key);
  while (refs.length > 0 || keys.length > 0) {
    for (const key of index.keysOf(refs)) {
      if (seen.has(key)) continue;
      seen.add(key);
      keys.push(key);
    }
    refs = [];
    for (const holder of index.holdersOf(keys)) {
      if (members.has(holder)) continue;
      members.add(holder);
      refs.push(holder);
    }
    keys = [];
    if (members.size > limit) return null;
  }
  return members;
}

/** The link key index of records held in memory (what the property tests walk). */
export function memoryLinkKeyIndex(
  records: readonly AccountRecord[],
  rules: readonly LinkRule[],
  options: LinkOptions,
): LinkKeyIndex {
  const enabled = new Set(options.systems);
  const keysByRef = new Map<string, string[]>();
  const holders = new Map<string, string[]>();
  for (const record of records) {
    if (!enabled.has(record.system)) continue;
    const id = ref(record);
    const keys = linkKeysOf(record, rules, options);
    keysByRef.set(id, [...(keysByRef.get(id) ?? []), ...keys]);
    for (const key of keys) holders.set(key, [...(holders.get(key) ?? []), id]);
  }
  return {
    keysOf: (refs) => refs.flatMap((r) => keysByRef.get(r) ?? []),
    holdersOf: (keys) => keys.flatMap((k) => holders.get(k) ?? []),
  };
}
