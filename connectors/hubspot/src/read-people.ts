import type { ConnectorContext, PersonRecord } from '@spoc/core/connector';
import type { HubspotApi } from './api.ts';
import { toPerson, userIdOf } from './mapping.ts';

/**
 * Owners as people, a page (up to 500) a call. Active and archived owners come from
 * separate listings; archived ones are inactive people, queues are no one.
 */
export async function* readPeople(
  api: HubspotApi,
  ctx: ConnectorContext,
  pageSize: number,
  /** Filled with HubSpot user id → owner id, which property histories need to name a person. */
  ownerOfUser: Map<number, string>,
  signal?: AbortSignal,
): AsyncGenerator<PersonRecord[]> {
  for (const archived of [false, true]) {
    let after: string | undefined;
    do {
      const page = await api.owners(archived, after, pageSize, signal);
      const people: PersonRecord[] = [];
      for (const raw of page.results) {
        const mapped = toPerson(raw, archived);
        if ('person' in mapped) {
          people.push(mapped.person);
          const userId = userIdOf(raw);
          if (userId !== null) ownerOfUser.set(userId, mapped.person.id);
        } else if ('rejected' in mapped)
          ctx.logger.warn({ ownerId: mapped.id, reason: mapped.rejected }, 'HubSpot owner skipped');
      }
      yield people;
      after = page.paging?.next?.after;
    } while (after);
  }
}
