import type { SpocConfig } from '../config/types.ts';
import type { AccountRecord } from '../domain/types.ts';
import { ref } from '../engine/link-accounts.ts';
import { linkClosure } from '../engine/link-closure.ts';
import type { StateStore } from '../store/state-store.ts';
import { mirrorLinkKeys } from './plan-basis.ts';

/**
 * The mirror's whole book in parts a plan can decide one at a time: each part the link
 * closure of a page of records not yet in a part (whole closures, so each part decides as
 * the whole book would; mergePlans joins their plans). A run holds one part of records at a
 * time, and the refs of those seen. At least one part, maybe empty (the config's issues
 * come with a part).
 */
export function* bookChunks(store: StateStore, config: SpocConfig, pageSize = 2_000): Generator<AccountRecord[]> {
  const enabled = new Set(config.enabledSystems);
  const done = new Set<string>();
  const index = mirrorLinkKeys(store);
  let yielded = false;
  for (const page of store.mirror.pages(pageSize, (r) => done.has(r))) {
    const seeds = page.filter((r) => enabled.has(r.system));
    if (seeds.length === 0) continue;
    const closure = linkClosure({ refs: seeds.map(ref), formerKeys: [] }, index) ?? new Set<string>();
    const inPage = new Map(seeds.map((r) => [ref(r), r]));
    const records: AccountRecord[] = [];
    const elsewhere: string[] = [];
    for (const member of closure) {
      if (done.has(member)) continue;
      done.add(member);
      const record = inPage.get(member);
      if (record) records.push(record);
      else elsewhere.push(member);
    }
    records.push(...store.mirror.accountsByRef(elsewhere));
    yielded = true;
    yield records;
  }
  if (!yielded) yield [];
}
