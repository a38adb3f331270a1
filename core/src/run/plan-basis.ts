import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { SpocConfig } from '../config/types.ts';
import type { AccountRecord, OwnerOverride, Snapshot } from '../domain/types.ts';
import { linkOptionsOf } from '../engine/link-accounts.ts';
import { linkClosure } from '../engine/link-closure.ts';
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

/** A closure this large of the book is planned whole: touched planning would save little. */
const MOST_TOUCHED = 0.5;

/**
 * The records a sync must decide over when it decides only what changed since the last run
 * (the link closure of the records read this run that differ from the mirror, of the
 * accounts left drifting and of the admin overrides waiting), or null when the whole book must be planned: a full read (it
 * reconciles the book, daily at least), a mirror holding reads no completed run recorded,
 * or a config or people changed since the last run (any decision may move).
 */
export function touchedClosure(
  deps: RunDeps,
  reads: readonly SystemRead[],
  snapshot: Snapshot,
  basis: string,
  overrides: ReadonlyMap<string, OwnerOverride>,
): ReadonlySet<string> | null {
  if (reads.some((r) => r.full)) return null;
  if (deps.store.mirror.planBasis() !== basis) return null;
  const refs = new Set<string>();
  const formerVersions: AccountRecord[] = [];
  for (const read of reads) {
    // A record read again as the mirror holds it decides as it did (Freshdesk re-reads every company).
    const former = new Map(read.former.map((r) => [r.id, r]));
    for (const record of read.fresh) {
      const held = former.get(record.id);
      if (held && isDeepStrictEqual(held, record)) continue;
      refs.add(`${record.system}:${record.id}`);
      if (held) formerVersions.push(held);
    }
  }
  for (const { account, records } of deps.store.ownership.drifting()) {
    refs.add(account);
    for (const r of records) refs.add(`${r.system}:${r.recordId}`);
  }
  // An override is keyed by its account's key, which is the ref of one of its records.
  for (const key of overrides.keys()) refs.add(key.split('\u0000')[0] ?? '');
  const closure = linkClosure(
    snapshot.accounts,
    { refs, formerVersions },
    deps.config.link,
    linkOptionsOf(deps.config),
  );
  return closure.size > snapshot.accounts.length * MOST_TOUCHED ? null : closure;
}
