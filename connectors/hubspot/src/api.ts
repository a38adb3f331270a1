import { Client } from '@hubspot/api-client';
import { type ConnectorStats, type RetryOptions, SpocError, VendorGate } from '@spoc/core/connector';
import { dailyUsage, rateObservation, toSpocError } from './errors.ts';
import { type ApiPage, type BatchResponse, BatchResponseApiSchema, PageApiSchema, type SearchBody } from './mapping.ts';
import type { HubspotSettings } from './settings.ts';

export type CrmObjectType = 'companies' | 'contacts';

export interface HubspotApiOptions {
  retry?: Partial<RetryOptions>;
  /** A call that has not answered by then is abandoned and retried (transient). */
  requestTimeoutMs?: number;
  /** Calls in flight at once on the general gate. */
  concurrency?: number;
}

interface HttpInfo {
  httpStatusCode: number;
  headers: Record<string, string>;
  data: unknown;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * The HubSpot calls the connector makes, each through a VendorGate and mapped to
 * SpocError. The SDK's own retry (numberOfApiCallRetries) and Bottleneck limiter stay
 * off: its retry ignores Retry-After and its limiter is process-wide.
 */
export function createHubspotApi(config: HubspotSettings, options: HubspotApiOptions = {}) {
  const client = new Client({
    accessToken: config.accessToken,
    ...(config.baseUrl ? { basePath: config.baseUrl.replace(/\/+$/, '') } : {}),
  });
  const retry = options.retry ? { retry: options.retry } : {};
  // HubSpot's 10-second allowance for most endpoints; search has its own, per second.
  const gate = new VendorGate({
    cap: config.rateLimit.perTenSeconds,
    intervalMs: 10_000,
    concurrency: options.concurrency ?? 4,
    ...retry,
  });
  const searchGate = new VendorGate({
    cap: config.rateLimit.searchPerSecond,
    intervalMs: 1_000,
    concurrency: 1,
    ...retry,
  });
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  let daily: { used: number; limit: number } | null = null;
  const noteDaily = (headers: Record<string, string> | undefined) => {
    daily = dailyUsage(headers) ?? daily;
  };

  const call = (which: VendorGate, what: string, fn: () => Promise<HttpInfo>, signal?: AbortSignal) =>
    which.run(async () => {
      try {
        const info = await withTimeout(fn(), timeoutMs, what);
        const seen = rateObservation(info.headers);
        if (seen) which.observe(seen);
        noteDaily(info.headers);
        return info;
      } catch (error) {
        const headers = (error as { headers?: Record<string, string> } | null)?.headers;
        const seen = rateObservation(headers);
        if (seen) which.observe(seen);
        noteDaily(headers);
        throw toSpocError(error);
      }
    }, signal);

  const page = (info: HttpInfo, what: string): ApiPage => {
    const parsed = PageApiSchema.safeParse(info.data);
    if (!parsed.success)
      throw new SpocError('vendor', 'HUBSPOT_BAD_RESPONSE', `HubSpot ${what} returned an unexpected shape`);
    return parsed.data;
  };

  const objects = (type: CrmObjectType) => (type === 'companies' ? client.crm.companies : client.crm.contacts);

  return {
    /** One page of owners (HubSpot's maximum page is 500). */
    async owners(archived: boolean, after: string | undefined, limit: number, signal?: AbortSignal) {
      const info = await call(
        gate,
        'owners',
        () => client.crm.owners.ownersApi.getPageWithHttpInfo(undefined, after, limit, archived) as Promise<HttpInfo>,
        signal,
      );
      return page(info, 'owners');
    },

    /** The owner who is a HubSpot user (GET /crm/v3/owners/{userId}?idProperty=userId); null when none is. */
    async ownerOfUser(userId: number, signal?: AbortSignal): Promise<unknown | null> {
      try {
        const info = await call(
          gate,
          'owner by user id',
          () => client.crm.owners.ownersApi.getByIdWithHttpInfo(userId, 'userId', false) as Promise<HttpInfo>,
          signal,
        );
        return info.data;
      } catch (error) {
        if (error instanceof SpocError && error.status === 404) return null;
        throw error;
      }
    },

    /** One page of a CRM object list with just `properties`. */
    async list(
      type: CrmObjectType,
      limit: number,
      after: string | undefined,
      properties: string[],
      signal?: AbortSignal,
    ) {
      const info = await call(
        gate,
        `${type} list`,
        () => objects(type).basicApi.getPageWithHttpInfo(limit, after, properties) as Promise<HttpInfo>,
        signal,
      );
      return page(info, `${type} list`);
    },

    async search(type: CrmObjectType, body: SearchBody, signal?: AbortSignal) {
      const info = await call(
        searchGate,
        `${type} search`,
        // The SDK types sorts as strings; HubSpot takes {propertyName, direction} objects.
        () => objects(type).searchApi.doSearchWithHttpInfo(body as never) as Promise<HttpInfo>,
        signal,
      );
      // HubSpot's clock (the Date header, to the second) tells the reader how far its index may trail.
      const date = Date.parse(headerValue(info.headers, 'date') ?? '');
      return { ...page(info, `${type} search`), ...(Number.isNaN(date) ? {} : { serverTime: date }) };
    },

    /** A batch update: 200 when all succeeded, 207 with per-input errors otherwise. */
    async batchUpdate(
      type: CrmObjectType,
      inputs: { id: string; properties: Record<string, string> }[],
      signal?: AbortSignal,
    ): Promise<{ status: number; body: BatchResponse }> {
      const info = await call(
        gate,
        `${type} batch update`,
        () => objects(type).batchApi.updateWithHttpInfo({ inputs }) as Promise<HttpInfo>,
        signal,
      );
      const parsed = BatchResponseApiSchema.safeParse(info.data);
      return { status: info.httpStatusCode, body: parsed.success ? parsed.data : {} };
    },

    /** Companies with the history of some properties (HubSpot takes 50 ids a call with history). */
    async readWithHistory(ids: string[], properties: string[], signal?: AbortSignal): Promise<unknown[]> {
      const info = await call(
        gate,
        'companies batch read with history',
        () =>
          client.crm.companies.batchApi.readWithHttpInfo({
            inputs: ids.map((id) => ({ id })),
            properties: [],
            propertiesWithHistory: properties,
          }) as Promise<HttpInfo>,
        signal,
      );
      return page(info, 'companies batch read').results;
    },

    /** All property definitions of an object type (one call). */
    async properties(type: CrmObjectType, signal?: AbortSignal): Promise<unknown> {
      const info = await call(
        gate,
        `${type} properties`,
        () => client.crm.properties.coreApi.getAllWithHttpInfo(type) as Promise<HttpInfo>,
        signal,
      );
      return info.data;
    },

    stats(): ConnectorStats {
      const a = gate.stats();
      const b = searchGate.stats();
      return {
        calls: a.calls + b.calls,
        retries: a.retries + b.retries,
        throttled: a.throttled + b.throttled,
        ...(daily ? { daily } : {}),
      };
    },
  };
}

export type HubspotApi = ReturnType<typeof createHubspotApi>;

/** The SDK takes no AbortSignal: a hung call is abandoned (and retried) rather than waited on forever. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SpocError('transient', 'TIMEOUT', `HubSpot ${what} did not answer within ${ms} ms`, {
            system: 'hubspot',
          }),
        ),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}
