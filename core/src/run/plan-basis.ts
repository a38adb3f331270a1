import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { SpocConfig } from '../config/types.ts';
import type { AccountRecord, OwnerOverride } from '../domain/types.ts';
import { linkOptionsOf, ref } from '../engine/link-accounts.ts';
import { type LinkKeyIndex, linkClosure, linkKeysOf } from '../engine/link-closure.ts';
import type { LinkKeysOf } from '../store/mirror.ts';
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

/**
 * The records a sync must decide over when it decides only what changed since the last run
 * (the link closure of the records read this run that differ from the mirror, of the
 * accounts left drifting, of the admin overrides waiting and of the cascades left open), found through the mirror's
 * link key index and loaded from it; or null when the whole book must be planned: a full
 * read (it reconciles the book, daily at least), a mirror holding reads no completed run
 * recorded, a config or people changed since the last run (any decision may move), link
 * keys built for other rules, or a closure that is most of the book.
 */
export function touchedBook(
  deps: RunDeps,
  reads: readonly SystemRead[],
  basis: string,
  overrides: ReadonlyMap<string, OwnerOverride>,
): { refs: ReadonlySet<string>; accounts: AccountRecord[] } | null {
  const { mirror } = deps.store;
  if (reads.some((r) => r.full)) return null;
  if (mirror.planBasis() !== basis || mirror.linkKeysBasis() !== linkKeysBasisOf(deps.config)) return null;
  const keysOf = linkKeysFor(deps.config);

  const fresh = new Map<string, AccountRecord>();
  const freshHolders = new Map<string, string[]>();
  const refs = new Set<string>();
  const formerKeys: string[] = [];
  for (const read of reads) {
    // The mirror's versions of what was read again (the mirror moves only after planning).
    const former = new Map(
      mirror
        .accountsById(
          read.system,
          read.fresh.map((r) => r.id),
        )
        .map((r) => [r.id, r]),
    );
    for (const record of read.fresh) {
      const id = ref(record);
      fresh.set(id, record);
      for (const key of keysOf(record)) freshHolders.set(key, [...(freshHolders.get(key) ?? []), id]);
      // A record read again as the mirror holds it decides as it did (Freshdesk re-reads every company).
      const held = former.get(record.id);
      if (held && isDeepStrictEqual(held, record)) continue;
      refs.add(id);
      if (held) formerKeys.push(...keysOf(held));
    }
  }
  for (const { account, records } of deps.store.ownership.drifting()) {
    refs.add(account);
    for (const r of records) refs.add(`${r.system}:${r.recordId}`);
  }
  // Cascades a stopped run left open are finished under their account's name: it is decided again.
  for (const open of deps.store.journal.openCascades()) refs.add(`${open.system}:${open.recordId}`);
  // An override is keyed by its account's key, which is the ref of one of its records.
  for (const key of overrides.keys()) refs.add(key.split('\u0000')[0] ?? '');

  // The mirror's index holds every record's keys as last persisted; a record read this run holds its new ones.
  const index: LinkKeyIndex = {
    keysOf: (members) => [
      ...members.flatMap((m) => {
        const record = fresh.get(m);
        return record ? keysOf(record) : [];
      }),
      ...mirror.storedLinkKeys(members.filter((m) => !fresh.has(m))),
    ],
    holdersOf: (keys) => [...mirror.linkKeyHolders(keys), ...keys.flatMap((k) => freshHolders.get(k) ?? [])],
  };
  const closure = linkClosure({ refs, formerKeys }, index, mirror.countAccounts() * MOST_TOUCHED);
  if (!closure) return null;
  const accounts = [...closure].flatMap((m) => {
    const record = fresh.get(m);
    return record ? [record] : [];
  });
  accounts.push(...mirror.accountsByRef([...closure].filter((m) => !fresh.has(m))));
  return { refs: closure, accounts };
}
