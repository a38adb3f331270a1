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
 * time: which records are in a part already is marked in the store's plan scratch, which the
 * caller empties first. At least one part, maybe empty (the config's issues come with a part).
 */
// Pages of 200 records: a part's objects die before V8 promotes them to the old generation,
// which it grows to a multiple of what survives (parts of 2,000 took a 100,000-account full
// sync in one process from about 360 to 455 MB of peak RSS).
export function* bookChunks(store: StateStore, config: SpocConfig, pageSize = 200): Generator<AccountRecord[]> {
  const enabled = new Set(config.enabledSystems);
  const index = mirrorLinkKeys(store);
  let yielded = false;
  for (const page of store.mirror.pages(pageSize, { unplanned: true })) {
    const seeds = page.filter((r) => enabled.has(r.system));
    if (seeds.length === 0) continue;
    // A closure is a whole class of linked records: none of it was in an earlier part, or
    // its seeds would have been too.
    const closure = linkClosure({ refs: seeds.map(ref), formerKeys: [] }, index) ?? new Set<string>();
    const inPage = new Map(seeds.map((r) => [ref(r), r]));
    const records: AccountRecord[] = [];
    const elsewhere: string[] = [];
    for (const member of closure) {
      const record = inPage.get(member);
      if (record) records.push(record);
      else elsewhere.push(member);
    }
    records.push(...store.mirror.accountsByRef(elsewhere));
    store.planning.markPlanned(closure);
    yielded = true;
    yield records;
  }
  if (!yielded) yield [];
}
