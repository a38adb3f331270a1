import type { ChangeAuthor, ChangeQuery, ConnectorContext } from '@spoc/core/connector';
import type { SalesforceApi } from './api.ts';
import { accountHistoryQuery, historyFieldName, toHistoryEntry } from './mapping.ts';
import { ACCOUNTS_PER_CONTACT_QUERY } from './read-contacts.ts';

/**
 * Who last changed each Account's role field, from its field history (AccountHistory,
 * newest first): the user whose session made the change. A field without history
 * tracking has no rows, and its records are left out.
 */
export async function whoChanged(
  api: SalesforceApi,
  ctx: ConnectorContext,
  requests: ChangeQuery[],
  signal?: AbortSignal,
): Promise<ChangeAuthor[]> {
  // History field name → the roles it holds (two roles may share a field).
  const rolesOf = new Map<string, string[]>();
  const wanted = new Set<string>();
  for (const q of requests) {
    const field = ctx.roles[q.role]?.field;
    if (!field) continue;
    const name = historyFieldName(field);
    if (!rolesOf.get(name)?.includes(q.role)) rolesOf.set(name, [...(rolesOf.get(name) ?? []), q.role]);
    wanted.add(`${q.recordId}\u0000${q.role}`);
  }
  const accountIds = [...new Set(requests.map((q) => q.recordId))];
  const authors: ChangeAuthor[] = [];
  const seen = new Set<string>();
  // The same id budget per query as the contact cascade: the SOQL travels in the URL.
  for (let i = 0; i < accountIds.length; i += ACCOUNTS_PER_CONTACT_QUERY) {
    const soql = accountHistoryQuery(accountIds.slice(i, i + ACCOUNTS_PER_CONTACT_QUERY), [...rolesOf.keys()]);
    for await (const page of api.query(soql, signal)) {
      for (const raw of page.records) {
        const entry = toHistoryEntry(raw);
        if (!entry) continue;
        for (const role of rolesOf.get(entry.field) ?? []) {
          const key = `${entry.accountId}\u0000${role}`;
          // Newest first: the first row of a record's field is the change that set its value.
          if (!wanted.has(key) || seen.has(key)) continue;
          seen.add(key);
          authors.push({ recordId: entry.accountId, role, personId: entry.userId });
        }
      }
    }
  }
  return authors;
}
