import type { ChangeAuthor, ChangeQuery } from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import type { FieldPlanCache } from './fields.ts';
import { toChangelogItem } from './mapping.ts';

/** Changelog pages read per organization at most: the latest change is what is wanted. */
const MAX_PAGES = 4;

/**
 * Who last changed each organization's role field, from its changelog: the acting user
 * of the latest update of that field key (whatever order Pipedrive lists them in). One
 * call per organization (Pipedrive has no batch changelog); organizations whose field has
 * no update there are left out.
 */
export async function whoChanged(
  api: PipedriveApi,
  fields: FieldPlanCache,
  requests: ChangeQuery[],
  signal?: AbortSignal,
): Promise<ChangeAuthor[]> {
  const plan = await fields.plan(signal);
  const authors: ChangeAuthor[] = [];
  const byRecord = new Map<string, string[]>();
  for (const q of requests) byRecord.set(q.recordId, [...(byRecord.get(q.recordId) ?? []), q.role]);
  for (const [recordId, roles] of byRecord) {
    const id = Number(recordId);
    if (!Number.isSafeInteger(id)) continue;
    const latest = new Map<string, { userId: string | null; at: number }>();
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await api.organizationChangelog(id, cursor, signal);
      for (const raw of page.items) {
        const item = toChangelogItem(raw);
        if (!item) continue;
        const seen = latest.get(item.field);
        if (!seen || item.at > seen.at) latest.set(item.field, item);
      }
      cursor = page.nextCursor ?? undefined;
      if (!cursor) break;
    }
    for (const role of roles) {
      const key = plan.roles[role]?.key;
      const change = key === undefined ? undefined : latest.get(key);
      if (change?.userId) authors.push({ recordId, role, personId: change.userId });
    }
  }
  return authors;
}
