import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import type { Connector } from '../domain/connector.ts';
import { ownerValueSharing } from '../domain/shared-owner-values.ts';
import type { AccountRecord, Cursor, PersonRecord, SystemId } from '../domain/types.ts';
import type { LinkKeysOf } from '../store/mirror.ts';
import type { StateStore } from '../store/state-store.ts';
import type { ProgressEvent } from './run-types.ts';

export interface SystemRead {
  system: SystemId;
  people: PersonRecord[];
  /** When `people` were read from the vendor this run (to cache them); null when they came from the cache. */
  peopleReadAt: Date | null;
  /** Records this run read from the vendor (all of them on a full read); none when they went to the mirror as read. */
  fresh: AccountRecord[];
  /** Records read from the vendor this run. */
  count: number;
  /** Set when the pages went to the mirror as they arrived (a sync): what the plan needs of them. */
  streamed?: StreamedRead;
  full: boolean;
  /** When the read ran (spoc's clock). */
  at: Date;
  /** Cursor after the last page read, to store once the run has used the data. */
  cursor: Cursor | null;
  rejected: { id: string; reason: string }[];
}

/** What a read written to the mirror page by page leaves to plan with. */
export interface StreamedRead {
  /** The ids read (null on a full read: every record the system holds). */
  ids: Set<string> | null;
  /** Refs of the records new to the mirror or different from it (incremental reads), and the link keys they had. */
  changed: string[];
  formerKeys: string[];
}

/** Where a sync's read pages go as they arrive: the mirror, with the records' link keys when they are kept. */
export interface MirrorSink {
  linkKeys: LinkKeysOf | undefined;
}

/**
 * Reads one system: all people (or the recent ones cached), and accounts either in full or
 * incrementally from the stored cursor. `bookOf` merges an incremental read over the mirror
 * when every account is needed.
 */
export async function readSystem(
  connector: Connector,
  store: StateStore,
  options: {
    full: boolean;
    now: Date;
    /** How long people read earlier are reused (0 = always read them). */
    peopleRefreshMs: number;
    signal?: AbortSignal;
    /** Bound to the system already. */
    logger: Logger;
    onProgress?: (e: ProgressEvent) => void;
    /** Write each page to the mirror as it arrives instead of holding the records (a sync). */
    into?: MirrorSink;
  },
): Promise<SystemRead> {
  const { system } = connector;
  const since =
    options.full || fullReadDue(store, system, options.now) || unsettledWrites(store, system)
      ? null
      : store.mirror.getCursor(system, 'accounts');
  const full = since === null;

  // People change rarely but cost a page per 100–500 users: a recent read is reused, except
  // on a full read (daily) so the directory is never older than that either.
  const cached = full ? undefined : store.mirror.cachedPeople(system);
  const peopleCached =
    cached !== undefined && options.now.getTime() - Date.parse(cached.readAt) < options.peopleRefreshMs;
  let people: PersonRecord[];
  if (cached && peopleCached) {
    people = cached.records;
  } else {
    people = [];
    for await (const page of connector.listPeople(options.signal)) {
      people.push(...page);
      options.onProgress?.({ phase: 'read', system, what: 'people', records: people.length });
    }
  }

  const share = ownerValueSharing();
  const fresh: AccountRecord[] = [];
  const rejected: { id: string; reason: string }[] = [];
  const streamed: StreamedRead | undefined = options.into
    ? { ids: full ? null : new Set(), changed: [], formerKeys: [] }
    : undefined;
  // A full read marks what it returns in the mirror: what it did not is deleted after (keepOnly).
  const readMark = full ? randomUUID() : undefined;
  let count = 0;
  let cursor: Cursor | null = since;
  const query = options.signal ? { since, signal: options.signal } : { since };
  for await (const page of connector.readAccounts(query)) {
    const records = page.records.map(share);
    count += records.length;
    if (options.into && streamed) {
      if (!full) noteChanges(store, system, records, streamed, options.into);
      store.mirror.upsertAccounts(records, options.into.linkKeys, readMark);
    } else fresh.push(...records);
    if (page.rejected) rejected.push(...page.rejected);
    cursor = page.cursor;
    options.onProgress?.({ phase: 'read', system, what: 'accounts', records: count });
  }
  for (const r of rejected) options.logger.warn({ recordId: r.id, reason: r.reason }, 'record rejected');
  // A full read is the system's whole book: what the mirror holds beyond it was deleted in the vendor.
  if (options.into && readMark) store.mirror.keepOnly(system, readMark);

  options.logger.info({ people: people.length, peopleCached: peopleCached, read: count, full }, 'read complete');
  return {
    system,
    people,
    peopleReadAt: peopleCached ? null : options.now,
    fresh,
    count,
    ...(streamed ? { streamed } : {}),
    full,
    cursor,
    rejected,
    at: options.now,
  };
}

/** An incremental page about to go to the mirror: which records it changes, and the keys they linked by. */
function noteChanges(
  store: StateStore,
  system: SystemId,
  records: AccountRecord[],
  streamed: StreamedRead,
  sink: MirrorSink,
): void {
  const held = new Map(
    store.mirror
      .accountsById(
        system,
        records.map((r) => r.id),
      )
      .map((r) => [r.id, r]),
  );
  for (const record of records) {
    streamed.ids?.add(record.id);
    const former = held.get(record.id);
    // A record read again as the mirror holds it decides as it did (Freshdesk re-reads every company).
    if (former && isDeepStrictEqual(former, record)) continue;
    streamed.changed.push(`${system}:${record.id}`);
    if (former && sink.linkKeys) streamed.formerKeys.push(...sink.linkKeys(former));
  }
}

/**
 * Incremental reads trust the vendor's modified times. A vendor clock that jumps back,
 * a record deleted, or an edit stamped before the cursor would stay invisible to them,
 * so each system gets a full read at least once a day to reconcile.
 */
export const FULL_READ_EVERY_MS = 24 * 3600_000;

function fullReadDue(store: StateStore, system: SystemId, now: Date): boolean {
  const last = store.mirror.getCursor(system, 'full-read');
  return last === null || now.getTime() - Date.parse(last) > FULL_READ_EVERY_MS;
}

/**
 * Writes a stopped run sent without learning their outcome are settled against what the
 * vendor holds now, so that system is read in full: an incremental read may not show
 * spoc's own last writes yet (Zendesk's export leaves out the latest minute, HubSpot's
 * search indexes with a delay), and a write it missed would be sent again.
 */
function unsettledWrites(store: StateStore, system: SystemId): boolean {
  return store.journal.pending().some((intent) => intent.system === system);
}

/** Every account of the system: the mirror with this run's read merged in. */
export function bookOf(store: StateStore, read: SystemRead): AccountRecord[] {
  if (read.full) return read.fresh;
  const byId = new Map(store.mirror.loadAccounts(read.system).map((a) => [a.id, a]));
  for (const record of read.fresh) byId.set(record.id, record);
  return [...byId.values()];
}

/** Once a read's records are in the mirror and planned: its cursor, full-read time and people, so a crash re-reads rather than skips. */
export function settleReads(store: StateStore, reads: readonly SystemRead[]): void {
  for (const read of reads) {
    if (read.full) store.mirror.setCursor(read.system, 'full-read', read.at.toISOString());
    if (read.cursor !== null) store.mirror.setCursor(read.system, 'accounts', read.cursor);
    if (read.peopleReadAt) store.mirror.cachePeople(read.system, read.peopleReadAt, read.people);
  }
}

/** Whether a record was read this run: every record of a full read, else the few an incremental read returned. */
export function freshRecords(reads: SystemRead[]): (system: SystemId, recordId: string) => boolean {
  const bySystem = new Map(
    reads.map((r) => [r.system, r.full ? null : (r.streamed?.ids ?? new Set(r.fresh.map((a) => a.id)))]),
  );
  return (system, recordId) => {
    const ids = bySystem.get(system);
    return ids !== undefined && (ids === null || ids.has(recordId));
  };
}
