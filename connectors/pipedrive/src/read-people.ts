import { type PersonRecord, SpocError } from '@spoc/core/connector';
import type { PipedriveApi } from './api.ts';
import { toPerson, usersOf } from './mapping.ts';

/** Every user of the company (active and deactivated), in one call: GET /v1/users has no paging. */
export async function* readPeople(api: PipedriveApi, signal?: AbortSignal): AsyncGenerator<PersonRecord[]> {
  const users = usersOf(await api.users(signal));
  if (!users)
    throw new SpocError('vendor', 'PIPEDRIVE_BAD_RESPONSE', 'Pipedrive users returned an unexpected shape', {
      system: 'pipedrive',
    });
  yield users.flatMap((u) => toPerson(u) ?? []);
}
