import type { CrmObject } from './store.ts';

/** A record as the search index last saw it; null = not indexed yet (created since). */
type Indexed = Pick<CrmObject, 'properties' | 'updatedAt' | 'archived'> | null;

/**
 * HubSpot's CRM search reads an index that trails the database: "changes made by other
 * API calls will take several seconds to propagate to the search indexing"
 * (https://docs.locoia.com/connectors/connectors/hubspot, "Propagation Time"; Sequin:
 * "The Search API is eventually consistent", https://blog.sequin.io/building-a-sync-on-hubspots-api/).
 * List and read-by-id endpoints see a write at once; search sees it up to `lagMs` later on
 * the sandbox clock, each change after its own delay, so a change can become searchable
 * before an earlier one (the index is fed asynchronously; nothing promises order). The
 * delay is a hash of the record and the time, so a run is repeatable. Only changes made
 * while the lag is above 0 are tracked, so a portal without lag pays nothing.
 */
export class SearchIndex {
  /** Per record, its unindexed changes, oldest first: when each becomes searchable and the state before it. */
  private readonly pending = new Map<CrmObject, { visibleAt: number; before: Indexed }[]>();

  private readonly lagMs: () => number;
  private readonly now: () => number;

  constructor(lagMs: () => number, now: () => number) {
    this.lagMs = lagMs;
    this.now = now;
  }

  /** Called before a record changes (`created`: it did not exist before). */
  changing(o: CrmObject, created: boolean): void {
    const lag = this.lagMs();
    if (lag <= 0) return;
    const at = this.now();
    const before: Indexed = created
      ? null
      : { properties: { ...o.properties }, updatedAt: o.updatedAt, archived: o.archived };
    const list = this.pending.get(o) ?? [];
    // One record's own changes are indexed in order.
    const visibleAt = Math.max(list.at(-1)?.visibleAt ?? 0, at + Math.floor(lag * spread(`${o.id}:${at}`)));
    list.push({ visibleAt, before });
    this.pending.set(o, list);
  }

  /** True while some change is not yet searchable (search results then depend on the clock). */
  get lagging(): boolean {
    return this.pending.size > 0;
  }

  /** The records as search sees them now: unindexed changes undone, unindexed creations left out. */
  visible(list: readonly CrmObject[]): readonly CrmObject[] {
    if (this.pending.size === 0) return list;
    const now = this.now();
    const out: CrmObject[] = [];
    for (const o of list) {
      const changes = this.pending.get(o);
      if (!changes) {
        out.push(o);
        continue;
      }
      const firstUnindexed = changes.findIndex((c) => c.visibleAt > now);
      if (firstUnindexed === -1) {
        this.pending.delete(o);
        out.push(o);
        continue;
      }
      if (firstUnindexed > 0) changes.splice(0, firstUnindexed);
      const before = changes[0]?.before ?? null;
      if (before) out.push({ ...o, ...before });
    }
    return out;
  }

  reset(): void {
    this.pending.clear();
  }
}

/** A fraction in (0, 1] from a string (FNV-1a): the same change always gets the same delay. */
function spread(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % 1000) / 1000 + 0.001;
}
