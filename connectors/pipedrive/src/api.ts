import { type ConnectorStats, type RetryOptions, SpocError, VendorGate } from '@spoc/core/connector';
import { UsersApiFp, Configuration as V1Configuration, OrganizationsApiFp as V1OrganizationsApiFp } from 'pipedrive/v1';
import {
  OrganizationFieldsApiFp,
  OrganizationsApiFp,
  PersonsApiFp,
  Configuration as V2Configuration,
} from 'pipedrive/v2';
import { type Headers, rateObservation, responseError, transportError } from './errors.ts';
import { type ListPage, listPage } from './mapping.ts';
import type { PipedriveSettings } from './settings.ts';

export interface PipedriveApiOptions {
  retry?: Partial<RetryOptions>;
  /** A call that has not answered by then is abandoned and retried. Default 60 s. */
  requestTimeoutMs?: number;
  /** Calls in flight at once. Default 4. */
  concurrency?: number;
}

/** What the SDK's request functions resolve to when handed no axios instance: axios's own response. */
interface HttpResponse {
  status: number;
  headers: Headers;
  data: unknown;
}
type RequestFunction = () => Promise<unknown>;

export interface OrganizationQuery {
  /** RFC 3339, inclusive (update_time ≥ it). */
  updatedSince?: string;
  limit: number;
  cursor?: string;
  /** Only these custom fields come back (at most 15, Pipedrive's cap); undefined = all. */
  customFields?: string[];
}

/**
 * The Pipedrive calls the connector makes, over the official SDK: v2 for organizations,
 * their fields and persons (cursor paging up to 500, update_time filters), v1 for users
 * (v2 has no users list). Every call goes through one VendorGate (the token's 2-second
 * window, retries with Retry-After) and its outcome becomes data or a SpocError.
 *
 * The SDK's API classes resolve to the body alone and reject with the body alone (their
 * axios interceptors drop the status and headers), which would hide the rate-limit
 * headers and Retry-After. So the SDK's functional interface (`…ApiFp`) builds each request
 * (URL, query, x-api-token, body) and its request function is sent on axios without
 * those interceptors, every status resolved, so the response is read here whole.
 */
export function createPipedriveApi(settings: PipedriveSettings, options: PipedriveApiOptions = {}) {
  const gate = new VendorGate({
    cap: settings.rateLimit.perTwoSeconds,
    intervalMs: 2_000,
    concurrency: options.concurrency ?? 4,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const timeout = options.requestTimeoutMs ?? 60_000;
  /** Set once the day's budget is spent: later calls fail the same way without being sent. */
  let dailyStop: SpocError | null = null;

  const configure = <C extends { baseOptions?: unknown }>(config: C, signal?: AbortSignal): C => {
    config.baseOptions = { timeout, validateStatus: () => true, ...(signal ? { signal } : {}) };
    return config;
  };
  const v1 = (signal?: AbortSignal) =>
    configure(new V1Configuration({ apiKey: settings.apiToken, basePath: `${settings.baseUrl}/api/v1` }), signal);
  const v2 = (signal?: AbortSignal) =>
    configure(new V2Configuration({ apiKey: settings.apiToken, basePath: `${settings.baseUrl}/api/v2` }), signal);

  const send = (what: string, build: () => Promise<RequestFunction>, signal?: AbortSignal): Promise<unknown> =>
    gate.run(async () => {
      if (dailyStop) throw dailyStop;
      let response: HttpResponse;
      try {
        response = (await (await build())()) as HttpResponse;
      } catch (error) {
        throw transportError(error, what, signal);
      }
      const seen = rateObservation(response.headers);
      if (seen) gate.observe(seen);
      if (response.status >= 200 && response.status < 300) return response.data;
      const error = responseError(response.status, response.data, response.headers, what);
      if (error.code === 'PIPEDRIVE_DAILY_LIMIT') dailyStop = error;
      throw error;
    }, signal);

  const page = (body: unknown, what: string): ListPage => {
    const parsed = listPage(body);
    if (!parsed)
      throw new SpocError('vendor', 'PIPEDRIVE_BAD_RESPONSE', `Pipedrive ${what} returned an unexpected shape`, {
        system: 'pipedrive',
      });
    return parsed;
  };

  return {
    /** GET /v1/users: every user of the company, in one answer (the endpoint has no paging). */
    users: (signal?: AbortSignal) => send('users', () => UsersApiFp(v1(signal)).getUsers(), signal),

    /** GET /v1/users/me: the token's user. */
    me: (signal?: AbortSignal) => send('users/me', () => UsersApiFp(v1(signal)).getCurrentUser(), signal),

    /** GET /v1/organizations/{id}/changelog: updates of its field values, one page (up to 500). */
    async organizationChangelog(id: number, cursor: string | undefined, signal?: AbortSignal): Promise<ListPage> {
      const body = await send(
        `organization ${id} changelog`,
        () => V1OrganizationsApiFp(v1(signal)).getOrganizationChangelog(id, cursor, 500),
        signal,
      );
      return page(body, 'organization changelog');
    },

    /** GET /api/v2/organizationFields, one page. */
    async organizationFields(cursor: string | undefined, signal?: AbortSignal): Promise<ListPage> {
      const body = await send(
        'organizationFields',
        () => OrganizationFieldsApiFp(v2(signal)).getOrganizationFields(undefined, 500, cursor),
        signal,
      );
      return page(body, 'organizationFields');
    },

    /** GET /api/v2/organizations sorted by update_time (then id), one page. */
    async organizations(query: OrganizationQuery, signal?: AbortSignal): Promise<ListPage> {
      const body = await send(
        'organizations',
        () =>
          OrganizationsApiFp(v2(signal)).getOrganizations(
            undefined,
            undefined,
            undefined,
            query.updatedSince,
            undefined,
            'update_time',
            'asc',
            undefined,
            query.customFields?.join(','),
            undefined,
            undefined,
            query.limit,
            query.cursor,
          ),
        signal,
      );
      return page(body, 'organizations');
    },

    /** PATCH /api/v2/organizations/{id}: one organization a call (Pipedrive has no bulk update). */
    updateOrganization: (id: number, body: Record<string, unknown>, signal?: AbortSignal) =>
      send(
        `organization ${id} update`,
        () => OrganizationsApiFp(v2(signal)).updateOrganization(id, body as never),
        signal,
      ),

    /** GET /api/v2/persons (of one organization when `orgId` is given), one page. */
    async persons(query: { orgId?: number; limit: number; cursor?: string }, signal?: AbortSignal): Promise<ListPage> {
      const body = await send(
        'persons',
        () =>
          PersonsApiFp(v2(signal)).getPersons(
            undefined,
            undefined,
            undefined,
            query.orgId,
            undefined,
            undefined,
            undefined,
            'id',
            'asc',
            undefined,
            undefined,
            undefined,
            undefined,
            query.limit,
            query.cursor,
          ),
        signal,
      );
      return page(body, 'persons');
    },

    /** PATCH /api/v2/persons/{id}. */
    updatePerson: (id: number, body: Record<string, unknown>, signal?: AbortSignal) =>
      send(`person ${id} update`, () => PersonsApiFp(v2(signal)).updatePerson(id, body as never), signal),

    stats: (): ConnectorStats => gate.stats(),
  };
}

export type PipedriveApi = ReturnType<typeof createPipedriveApi>;
