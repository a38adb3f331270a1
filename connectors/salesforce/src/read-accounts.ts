import type { AccountPage, ConnectorContext, ReadQuery } from '@spoc/core/connector';
import type { SalesforceApi } from './api.ts';
import { formatCursor, ORIGIN, parseCursor, type SalesforceCursor } from './cursor.ts';
import { accountPosition, accountQuery, toAccount } from './mapping.ts';

/**
 * Accounts in (SystemModstamp, Id) order, one query page (2,000) per call. A full read
 * ends on the newest SystemModstamp it saw; an incremental read takes what comes after
 * its cursor, ties included, so an idle incremental read is one call returning nothing.
 * Each page's cursor is the position of its last record, handed out with the page only
 * after the page arrived, so a run stopped mid-read resumes right after the last page it
 * used. Records edited while a full read pages through its result set get a newer
 * SystemModstamp than the result set's newest, so the next incremental read sees them.
 */
export async function* readAccounts(
  api: SalesforceApi,
  ctx: ConnectorContext,
  query: ReadQuery,
): AsyncGenerator<AccountPage> {
  const since = query.since === null ? null : parseCursor(query.since);
  let position: SalesforceCursor = since ?? ORIGIN;
  for await (const page of api.query(accountQuery(ctx, since), query.signal)) {
    const out: AccountPage = { records: [], cursor: '', rejected: [] };
    for (const raw of page.records) {
      const mapped = toAccount(raw, ctx);
      if ('rejected' in mapped) {
        out.rejected?.push({ id: mapped.id, reason: mapped.rejected });
        ctx.logger.warn({ id: mapped.id, reason: mapped.rejected }, 'Salesforce Account rejected');
      } else {
        out.records.push(mapped.record);
      }
      // A malformed record still has its place in the order: step past it too.
      position = accountPosition(raw) ?? position;
    }
    out.cursor = formatCursor(position);
    yield out;
  }
}
