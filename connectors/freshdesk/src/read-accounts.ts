import type { AccountPage, ConnectorContext, OwnerValue, ReadQuery } from '@spoc/core/connector';
import type { FreshdeskApi } from './api.ts';
import { formatCursor } from './cursor.ts';
import type { AgentChoices } from './dropdown.ts';
import { arrayOf, COMPANIES_LIST, toCompany } from './mapping.ts';

/**
 * Companies, always all of them, 100 a page; the cursor is kept but not used to filter.
 *
 * Why not incremental: the company list has no updated-since parameter, and the filter
 * API (`/search/companies?query="updated_at:>'YYYY-MM-DD'"`) is no substitute: it filters
 * by day, not time (a run re-reads the whole day anyway), answers 30 a page and at most
 * 10 pages (300 companies: a busy day or a first sync outgrows it, so a full read would
 * still be needed), and reads an index that lags edits by minutes (a change just before a
 * run would be missed and, with the cursor moved on, never read).
 * https://developers.freshdesk.com/api/#filter_companies
 * A full read is exact and costs ⌈N/100⌉ calls.
 */
export async function* readAccounts(
  api: FreshdeskApi,
  ctx: ConnectorContext,
  agentChoices: () => Promise<AgentChoices>,
  query: ReadQuery,
): AsyncGenerator<AccountPage> {
  if (query.since !== null) ctx.logger.debug('Freshdesk lists companies without an update filter: reading all');
  // Dropdown roles name agents: resolving a choice needs the agents, read once.
  const dropdowns = Object.values(ctx.roles).some((m) => m.value === 'id');
  const choices = dropdowns ? await agentChoices() : null;
  const readChoice = (choice: string): OwnerValue => (choices ? choices.read(choice) : { email: choice });
  const readAt = new Date().toISOString();
  let maxUpdatedAt: string | null = null;
  for await (const reply of api.pages(COMPANIES_LIST, query.signal)) {
    const page: AccountPage = { records: [], cursor: '', rejected: [] };
    for (const raw of arrayOf(reply.body, 'companies')) {
      const mapped = toCompany(raw, ctx, readChoice);
      if ('rejected' in mapped) {
        page.rejected?.push({ id: mapped.id, reason: mapped.rejected });
        continue;
      }
      page.records.push(mapped);
      if (mapped.modifiedAt && (maxUpdatedAt === null || mapped.modifiedAt > maxUpdatedAt))
        maxUpdatedAt = mapped.modifiedAt;
    }
    page.cursor = formatCursor({ readAt, maxUpdatedAt });
    yield page;
  }
}
