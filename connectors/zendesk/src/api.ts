import { type ConnectorStats, type RetryOptions, VendorGate } from '@spoc/core/connector';
import zendesk from 'node-zendesk';
import { type SdkResponse, settle, thrownError } from './errors.ts';
import { cursorMore, type ListQuery } from './mapping.ts';
import type { ZendeskSettings } from './settings.ts';

/** A path as node-zendesk takes it: segments (it adds `.json`), a last `?query` segment, or an absolute next-page URL. */
export type ZendeskUri = string | string[];

export interface Page<T> {
  result: T;
  /** The server's Date header (Zendesk's clock), for incremental start times. */
  date: string | null;
}

export interface ZendeskApiOptions {
  /** Retry tuning for both gates (tests use tiny delays). */
  retry?: Partial<RetryOptions>;
  /** Requests a minute to the incremental export (Zendesk's limit: 10). */
  exportPerMinute?: number;
}

type ZendeskClient = ReturnType<typeof zendesk.createClient>;

/**
 * The Zendesk calls the connector makes, over node-zendesk: every call through a
 * VendorGate (rate limit, retries with Retry-After), the incremental export through its
 * own (10 a minute), and each outcome settled into data or a SpocError.
 */
export function createZendeskApi(config: ZendeskSettings, options: ZendeskApiOptions = {}) {
  const client = zendesk.createClient({
    endpointUri: config.baseUrl,
    ...(config.oauthToken
      ? { token: config.oauthToken, oauth: true }
      : { username: config.email ?? '', token: config.apiToken ?? '' }),
  });
  const retry = options.retry ? { retry: options.retry } : {};
  const gate = new VendorGate({ cap: config.rateLimit.perMinute, intervalMs: 60_000, concurrency: 4, ...retry });
  const exportGate = new VendorGate({
    cap: options.exportPerMinute ?? 10,
    intervalMs: 60_000,
    concurrency: 1,
    ...retry,
  });

  const get = (uri: ZendeskUri, signal?: AbortSignal) => call(client, gate, 'GET', uri, undefined, signal);

  return {
    get,
    put: (uri: ZendeskUri, body: object, signal?: AbortSignal) => call(client, gate, 'PUT', uri, body, signal),
    /** A GET of the incremental export, on its own gate. */
    exportGet: (uri: ZendeskUri, signal?: AbortSignal) => call(client, exportGate, 'GET', uri, undefined, signal),

    /**
     * Zendesk cursor pagination, one call per page: the next link while there is more, or
     * page[after]=<after cursor> when a response has no next link.
     */
    async *pages(list: ListQuery, signal?: AbortSignal): AsyncGenerator<Page<unknown>> {
      const { path, query } = list;
      let next: ZendeskUri | null = [...path, `?${query}`];
      while (next) {
        const page: Page<unknown> = await get(next, signal);
        yield page;
        const more = cursorMore(page.result);
        if (!more) next = null;
        else if (more.nextUrl) next = more.nextUrl;
        else if (more.afterCursor) next = [...path, `?${query}&page[after]=${encodeURIComponent(more.afterCursor)}`];
        else next = null;
      }
    },

    stats(): ConnectorStats {
      const a = gate.stats();
      const b = exportGate.stats();
      return { calls: a.calls + b.calls, retries: a.retries + b.retries, throttled: a.throttled + b.throttled };
    },
  };
}

export type ZendeskApi = ReturnType<typeof createZendeskApi>;

/**
 * One Zendesk call through a VendorGate. It uses the SDK's raw request (its auth, URL
 * building and transport) rather than the list helpers or `request()`: those unwrap the
 * envelope (losing meta/links), follow every page without letting spoc pace or
 * checkpoint, stop incremental exports after one page and return a Retry-After response
 * as a value. `settle` takes any of the SDK's shapes, so the value-returned Error cannot
 * slip through as data.
 */
function call<T = unknown>(
  client: ZendeskClient,
  gate: VendorGate,
  method: 'GET' | 'PUT',
  uri: ZendeskUri,
  body?: object,
  signal?: AbortSignal,
): Promise<Page<T>> {
  return gate.run(async () => {
    let raw: { response: SdkResponse; result: unknown };
    try {
      // Any service client carries the account's auth and endpoint; copy the segments
      // because the SDK pops the query segment off the array it is given.
      raw = (await client.organizations._rawRequest(
        method,
        Array.isArray(uri) ? [...uri] : uri,
        ...(body ? [body] : []),
      )) as typeof raw;
    } catch (error) {
      throw thrownError(error);
    }
    const { response, result } = raw;
    // An absent header must not read as 0 (Number(null) === 0 would pause the gate).
    const remaining = response.headers.get('x-rate-limit-remaining');
    if (remaining !== null && remaining.trim() !== '' && Number.isFinite(Number(remaining)))
      gate.observe({ remaining: Number(remaining) });
    return { result: settle<T>(response, result), date: response.headers.get('date') };
  }, signal);
}
