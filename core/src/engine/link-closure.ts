import type { LinkRule } from '../config/types.ts';
import type { AccountRecord } from '../domain/types.ts';
import { keysFor, type LinkOptions, ref } from './link-accounts.ts';

/**
 * The records whose linking (and so whose accounts' decisions) a set of seed records can
 * affect: the seeds and every record reachable from them through a key they share under
 * any link rule. Linking only ever joins records through shared keys, so accounts made of
 * these records link, and decide, exactly as they would among all records; the other
 * records' accounts are as the last run left them. Seeds are record refs present in
 * `records`, and record versions no longer held (an edited record's old keys still name
 * the records it was linked with). Returns the refs of the closure.
 */
export function linkClosure(
  records: readonly AccountRecord[],
  seeds: { refs: Iterable<string>; formerVersions: readonly AccountRecord[] },
  rules: readonly LinkRule[],
  options: LinkOptions,
): Set<string> {
  const enabled = new Set(options.systems);
  const members = new Set(seeds.refs);
  const keys = new Set<string>();
  const addKeys = (record: AccountRecord) => {
    for (const [i, rule] of rules.entries())
      for (const key of keysFor(record, rule, options.normaliseReference)) keys.add(`${i}\u0000${key}`);
  };
  const sharesKey = (record: AccountRecord) => {
    for (const [i, rule] of rules.entries())
      for (const key of keysFor(record, rule, options.normaliseReference))
        if (keys.has(`${i}\u0000${key}`)) return true;
    return false;
  };
  for (const former of seeds.formerVersions) addKeys(former);
  const keyed = new Set<string>();
  // A record joining adds its keys, which may reach records an earlier pass went by: pass
  // again until one adds nothing (two or three passes for ordinary books).
  for (let grew = true; grew; ) {
    grew = false;
    for (const record of records) {
      if (!enabled.has(record.system)) continue;
      const id = ref(record);
      if (keyed.has(id)) continue;
      if (!members.has(id) && !sharesKey(record)) continue;
      members.add(id);
      keyed.add(id);
      addKeys(record);
      grew = true;
    }
  }
  return members;
}
