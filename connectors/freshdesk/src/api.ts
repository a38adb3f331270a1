import { type ConnectorStats, type RetryOptions, VendorGate } from '@spoc/core/connector';
import { malformed, networkError, responseError } from './errors.ts';
import type { FreshdeskSettings } from './settings.ts';

/**
 * The transport: Node's own fetch, every call through one VendorGate (the per-minute
 * limit, retries of 429/5xx/resets with Retry-After). There is no official Freshdesk Node
 * SDK, and the API is plain JSON over HTTP with Basic auth and Link-header paging, so a
 * client library would add a dependency without removing any of the code below: paging
 * must stay under spoc's control (to pace and checkpoint), errors must become SpocErrors
 * with the vendor's reasons, and the rate headers must feed the gate.
 */

export interface FreshdeskApiOptions {
  retry?: Partial<RetryOptions>;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Give up on one request after this long (a transient error, retried). Default 60 s. */
  timeoutMs?: number;
}

export interface Reply {
  status: number;
  body: unknown;
  /** The next page's path and query (from the Link header), or null on the last page. */
  next: string | null;
  /** The plan's requests a minute (X-RateLimit-Total), when Freshdesk sent it. */
  rateLimitTotal: number | null;
}

type Method = 'GET' | 'PUT' | 'POST';

export function createFreshdeskApi(settings: FreshdeskSettings, options: FreshdeskApiOptions = {}) {
  const gate = new VendorGate({
    cap: settings.rateLimit.perMinute,
    intervalMs: 60_000,
    concurrency: options.concurrency ?? 4,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const authorization = `Basic ${Buffer.from(`${settings.apiKey}:X`).toString('base64')}`;
  const timeoutMs = options.timeoutMs ?? 60_000;

  const call = (method: Method, path: string, body?: object, signal?: AbortSignal): Promise<Reply> =>
    gate.run(async () => {
      let response: Response;
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        response = await fetch(`${settings.baseUrl}${path}`, {
          method,
          headers: {
            authorization,
            accept: 'application/json',
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        // A run being stopped is not a vendor problem to retry.
        if (signal?.aborted) throw signal.reason;
        throw networkError(error);
      }
      // A 429's Retry-After says when to resume (the gate pauses for it on retry); its
      // Remaining: 0 must not add a wait of its own.
      if (response.status !== 429) observeRate(gate, response.headers);
      const text = await response.text().catch((error: unknown) => {
        throw networkError(error);
      });
      const parsed = parseJson(text);
      if (!response.ok) throw responseError(response.status, parsed, response.headers.get('retry-after'));
      if (parsed === INVALID) throw malformed(`${method} ${path.split('?')[0]}`, 'not JSON');
      const total = Number(response.headers.get('x-ratelimit-total') ?? Number.NaN);
      return {
        status: response.status,
        body: parsed,
        next: nextPage(response.headers.get('link'), settings.baseUrl),
        rateLimitTotal: Number.isFinite(total) && total > 0 ? total : null,
      };
    }, signal);

  return {
    get: (path: string, signal?: AbortSignal) => call('GET', path, undefined, signal),
    put: (path: string, body: object, signal?: AbortSignal) => call('PUT', path, body, signal),
    post: (path: string, body: object, signal?: AbortSignal) => call('POST', path, body, signal),

    /** A page-numbered list, one call a page, following the Link header's rel="next" to the end. */
    async *pages(path: string, signal?: AbortSignal): AsyncGenerator<Reply> {
      let next: string | null = path;
      while (next) {
        const reply: Reply = await call('GET', next, undefined, signal);
        yield reply;
        next = reply.next;
      }
    },

    stats: (): ConnectorStats => gate.stats(),
  };
}

export type FreshdeskApi = ReturnType<typeof createFreshdeskApi>;

/**
 * X-RateLimit-Remaining after this call (Freshdesk counts some calls as several:
 * X-Ratelimit-Used-CurrentRequest), so the gate pauses when the minute is spent even if
 * another client spent it. An absent header must not read as 0 (Number(null) === 0).
 */
function observeRate(gate: VendorGate, headers: Headers): void {
  const remaining = headers.get('x-ratelimit-remaining');
  if (remaining !== null && remaining.trim() !== '' && Number.isFinite(Number(remaining)))
    gate.observe({ remaining: Number(remaining) });
}

/**
 * Freshdesk pages with `Link: <https://acme.freshdesk.com/api/v2/companies?page=2&per_page=100>; rel="next"`
 * and sends none on the last page (https://developers.freshdesk.com/api/#pagination).
 * Only its path and query are kept, resolved on the configured account: the API key is
 * never sent to a host the config did not name.
 */
export function nextPage(link: string | null, baseUrl: string): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (!m?.[1]) continue;
    try {
      const url = new URL(m[1], baseUrl);
      const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
      const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : url.pathname;
      return `${path}${url.search}`;
    } catch {
      return null;
    }
  }
  return null;
}

const INVALID = Symbol('invalid json');

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID;
  }
}
