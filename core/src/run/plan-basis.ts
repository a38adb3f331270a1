import { createHash } from 'node:crypto';
import type { SpocConfig } from '../config/types.ts';
import type { AccountRecord, OwnerOverride } from '../domain/types.ts';
import { linkOptionsOf } from '../engine/link-accounts.ts';
import { type LinkKeyIndex, linkClosure, linkKeysOf } from '../engine/link-closure.ts';
import type { LinkKeysOf } from '../store/mirror.ts';
import type { StateStore } from '../store/state-store.ts';
import type { SystemRead } from './read-phase.ts';
import type { RunDeps } from './run-types.ts';

/**
 * What every decision rests on besides the accounts and their baselines: the config's
 * systems, links, aliases and roles, and the people each system has. Two runs with the same
 * basis decide an account the same way when its records and baselines are the same.
 */
export function planBasisOf(config: SpocConfig, reads: readonly SystemRead[]): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      systems: config.enabledSystems.map((id) => [id, config.systems[id]?.definition.capabilities ?? null]),
      keyOrder: config.keyOrder,
      aliases: config.aliases,
      link: config.link,
      roles: config.roles,
    }),
  );
  for (const read of [...reads].sort((a, b) => (a.system < b.system ? -1 : 1))) {
    const people = [...read.people].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    hash.update(`\u0000${read.system}\u0000${JSON.stringify(people)}`);
  }
  return hash.digest('hex');
}

/** The link keys of a record under the config's link rules (what the mirror's link key index holds). */
export function linkKeysFor(config: SpocConfig): LinkKeysOf {
  const options = linkOptionsOf(config);
  return (record) => linkKeysOf(record, config.link, options);
}

/** What the link keys depend on: the link rules and the systems whose reference forms they fold. */
export function linkKeysBasisOf(config: SpocConfig): string {
  return createHash('sha256')
    .update(JSON.stringify({ link: config.link, systems: config.enabledSystems }))
    .digest('hex');
}

/** A closure this large of the book is planned whole: touched planning would save little. */
const MOST_TOUCHED = 0.5;

/** The mirror's link key index, as a link closure walks it. */
export function mirrorLinkKeys(store: StateStore): LinkKeyIndex {
  return {
    keysOf: (refs) => store.mirror.storedLinkKeys(refs),
    holdersOf: (keys) => store.mirror.linkKeyHolders(keys),
  };
}

/** What the store said before a sync's reads went to the mirror (they clear it). */
export interface PriorBasis {
  plan: string | null;
  linkKeys: string | null;
}

/**
 * The records a sync must decide over when it decides only what changed since the last run
 * (the link closure of the records its reads changed in the mirror, of the accounts left
 * drifting, of the admin overrides waiting and of the cascades left open), found through
 * the mirror's link key index and loaded from it; or null when the whole book must be
 * planned: a full read (it reconciles the book, daily at least), a mirror holding reads no
 * completed run recorded, a config or people changed since the last run (any decision may
 * move), link keys built for other rules, or a closure that is most of the book.
 */
export function touchedBook(
  deps: RunDeps,
  reads: readonly SystemRead[],
  basis: string,
  prior: PriorBasis,
  overrides: ReadonlyMap<string, OwnerOverride>,
): { refs: ReadonlySet<string>; accounts: AccountRecord[] } | null {
  const { store } = deps;
  if (reads.some((r) => r.full || !r.streamed)) return null;
  if (prior.plan !== basis || prior.linkKeys !== linkKeysBasisOf(deps.config)) return null;
  const refs = new Set<string>();
  const formerKeys: string[] = [];
  for (const read of reads) {
    for (const ref of read.streamed?.changed ?? []) refs.add(ref);
    formerKeys.push(...(read.streamed?.formerKeys ?? []));
  }
  for (const { account, records } of store.ownership.drifting()) {
    refs.add(account);
    for (const r of records) refs.add(`${r.system}:${r.recordId}`);
  }
  // Cascades a stopped run left open are finished under their account's name: it is decided again.
  for (const open of store.journal.openCascades()) refs.add(`${open.system}:${open.recordId}`);
  // An override is keyed by its account's key, which is the ref of one of its records.
  for (const key of overrides.keys()) refs.add(key.split('\u0000')[0] ?? '');
  const closure = linkClosure({ refs, formerKeys }, mirrorLinkKeys(store), store.mirror.countAccounts() * MOST_TOUCHED);
  if (!closure) return null;
  return { refs: closure, accounts: store.mirror.accountsByRef(closure) };
}
