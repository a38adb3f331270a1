import type { PersonRecord } from '@spoc/core/connector';
import type { FreshdeskApi } from './api.ts';
import { AGENTS_LIST, arrayOf, toPerson } from './mapping.ts';

/** Agents as people, 100 a page (active and inactive alike). */
export async function* readPeople(api: FreshdeskApi, signal?: AbortSignal): AsyncGenerator<PersonRecord[]> {
  for await (const page of api.pages(AGENTS_LIST, signal)) {
    yield arrayOf(page.body, 'agents').flatMap((a) => toPerson(a) ?? []);
  }
}
