import type { AccountPage, ConnectorContext, ReadQuery } from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import { formatCursor, ORIGIN, type PipedriveCursor, parseCursor, rfc3339 } from './cursor.ts';
import { customKeys, type FieldPlanCache } from './fields.ts';
import { toOrganization } from './mapping.ts';

/**
 * A second this far in the past can gain no more updates (allowing for clock skew
 * between spoc and Pipedrive): once a read has gone through it, the next read starts
 * after it and need not carry the ids read within it.
 */
export const SETTLED_MS = 5 * 60_000;

/**
 * Organizations by update_time, oldest first, `pageSize` a call (Pipedrive's cap is 500):
 * every one when there is no cursor, else those updated since it. One path for both, so
 * a full read stopped part-way resumes from its last page like an incremental one.
 *
 * The cursor after each page never passes a record not yet read: it is the page's last
 * second and the ids read within it, since more of that second may follow on the next
 * page. The next read asks from that second (updated_since is inclusive) and drops those
 * ids, so a record at the boundary second is read once. Once a read has gone through
 * the last page, a second older than SETTLED_MS is closed: the cursor moves past it, so
 * a company whose thousands of organizations share one second does not re-list them all
 * on every run.
 */
export async function* readAccounts(
  api: PipedriveApi,
  fields: FieldPlanCache,
  ctx: ConnectorContext,
  query: ReadQuery,
  pageSize: number,
): AsyncGenerator<AccountPage> {
  let from: PipedriveCursor = ORIGIN;
  if (query.since !== null) {
    const parsed = parseCursor(query.since);
    if (parsed) from = parsed;
    else ctx.logger.warn({ cursor: query.since }, 'unreadable Pipedrive cursor: reading every organization');
  }
  const plan = await fields.plan(query.signal);
  const customFields = customKeys(plan);
  const skip = new Set(from.ids);
  // The position reached: the newest second read, and the ids read within it.
  let atTs = from.ts;
  let atIds = new Set(from.ids);
  let cursor: string | undefined;
  do {
    const result = await api.organizations(
      {
        ...(from.ts > 0 ? { updatedSince: rfc3339(from.ts) } : {}),
        limit: pageSize,
        ...(cursor ? { cursor } : {}),
        ...(customFields ? { customFields } : {}),
      },
      query.signal,
    );
    const page: AccountPage = { records: [], cursor: '', rejected: [] };
    for (const raw of result.items) {
      const mapped = toOrganization(raw, plan);
      if ('rejected' in mapped) {
        page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
        continue;
      }
      const { ts, id } = mapped.mark;
      // Read last time, at the boundary second.
      if (ts === from.ts && skip.has(id)) continue;
      page.records.push(mapped.record);
      if (ts > atTs) {
        atTs = ts;
        atIds = new Set([id]);
      } else if (ts === atTs) atIds.add(id);
    }
    cursor = result.nextCursor ?? undefined;
    if (!cursor && atTs * 1000 < Date.now() - SETTLED_MS) {
      atTs += 1;
      atIds = new Set();
    }
    page.cursor = formatCursor({ ts: atTs, ids: [...atIds] });
    yield page;
  } while (cursor);
}
