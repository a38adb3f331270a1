import { makeId } from './ids.ts';
import type { QueryResult } from './query-engine.ts';

interface Cursor {
  result: QueryResult;
  batchSize: number;
  createdAt: number;
}

/** Salesforce keeps query locators about 15 minutes and at most 10 open per user (oldest released). */
const TTL_MS = 15 * 60_000;
const MAX_OPEN = 10;

/**
 * Result sets kept for paging: a locator is `<cursor id>-<offset>` (01g…-2000), so each page
 * is a slice of the set computed once by the first query.
 */
export class QueryCursors {
  private cursors = new Map<string, Cursor>();
  private counter = 0;
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  open(result: QueryResult, batchSize: number): string {
    const now = this.now();
    for (const [id, cursor] of this.cursors) {
      if (now - cursor.createdAt > TTL_MS) this.cursors.delete(id);
    }
    while (this.cursors.size >= MAX_OPEN) {
      const oldest = this.cursors.keys().next().value;
      if (oldest === undefined) break;
      this.cursors.delete(oldest);
    }
    const id = makeId('01g', ++this.counter);
    this.cursors.set(id, { result, batchSize, createdAt: now });
    return id;
  }

  /** The cursor and offset a locator names, or undefined when unknown or expired. */
  find(locator: string): { id: string; cursor: Cursor; offset: number } | undefined {
    const m = /^(.+)-(\d+)$/.exec(locator);
    if (!m) return undefined;
    const id = m[1] ?? '';
    const cursor = this.cursors.get(id);
    if (!cursor) return undefined;
    if (this.now() - cursor.createdAt > TTL_MS) {
      this.cursors.delete(id);
      return undefined;
    }
    return { id, cursor, offset: Number(m[2]) };
  }

  close(id: string): void {
    this.cursors.delete(id);
  }

  clear(): void {
    this.cursors.clear();
  }
}
