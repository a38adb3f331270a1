import type { VendorGate } from '@spoc/core/connector';
import type zendesk from 'node-zendesk';
import { type SdkResponse, settle, thrownError } from './errors.ts';
import { cursorMore } from './mapping.ts';

/** A path as node-zendesk takes it: segments (it adds `.json`), a last `?query` segment, or an absolute next-page URL. */
export type ZendeskUri = string | string[];

export interface Page<T> {
  result: T;
  /** The server's Date header (Zendesk's clock), for incremental start times. */
  date: string | null;
}

export type ZendeskClient = ReturnType<typeof zendesk.createClient>;

/**
 * One Zendesk call through a VendorGate (rate limit, retries with Retry-After).
 * It uses the SDK's raw request (its auth, URL building and transport) rather than the
 * list helpers or `request()`: those unwrap the envelope (losing meta/links), follow
 * every page without letting spoc pace or checkpoint, stop incremental exports after
 * one page and return a Retry-After response as a value. `settle` takes any of the
 * SDK's shapes, so the value-returned Error cannot slip through as data.
 */
export async function zendeskCall<T>(
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

/**
 * Zendesk cursor pagination, one call per page: the next link while there is more, or
 * page[after]=<after cursor> when a response has no next link.
 */
export async function* cursorPages(
  call: (uri: ZendeskUri) => Promise<Page<unknown>>,
  path: string[],
  query: string,
): AsyncGenerator<Page<unknown>> {
  let next: ZendeskUri | null = [...path, `?${query}`];
  while (next) {
    const page: Page<unknown> = await call(next);
    yield page;
    const more = cursorMore(page.result);
    if (!more) next = null;
    else if (more.nextUrl) next = more.nextUrl;
    else if (more.afterCursor) next = [...path, `?${query}&page[after]=${encodeURIComponent(more.afterCursor)}`];
    else next = null;
  }
}
