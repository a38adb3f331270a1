import type { ConnectorContext, PersonRecord } from '@spoc/core/connector';
import type { SalesforceApi } from './api.ts';
import { toPerson, USER_QUERY } from './mapping.ts';

/** Standard Users as people, one query page (2,000) a call. */
export async function* readPeople(
  api: SalesforceApi,
  ctx: ConnectorContext,
  signal?: AbortSignal,
): AsyncGenerator<PersonRecord[]> {
  for await (const page of api.query(USER_QUERY, signal)) {
    const people: PersonRecord[] = [];
    for (const raw of page.records) {
      const mapped = toPerson(raw);
      // ctx.logger already carries `system` (a second binding would repeat the key in every line).
      if ('rejected' in mapped) ctx.logger.warn({ reason: mapped.rejected }, 'Salesforce User rejected');
      else people.push(mapped);
    }
    yield people;
  }
}
