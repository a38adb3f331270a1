import type { PersonRecord } from '@spoc/core/connector';
import type { ZendeskApi } from './api.ts';
import { PEOPLE_LIST, toPerson, usersPage } from './mapping.ts';

/** Agents and admins as people, 100 a page. */
export async function* readPeople(api: ZendeskApi, signal?: AbortSignal): AsyncGenerator<PersonRecord[]> {
  for await (const page of api.pages(PEOPLE_LIST, signal)) {
    yield usersPage(page.result).flatMap((u) => toPerson(u) ?? []);
  }
}
