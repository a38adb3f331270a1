import { SpocError } from '@spoc/core/connector';

/** The parts of a node-zendesk response spoc reads (its fetch Response, adapted). */
export interface SdkResponse {
  status: number;
  headers: { get(name: string): string | null };
}

/** node-zendesk's own errors carry the status and the parsed body. */
type SdkError = Error & { statusCode?: unknown; result?: unknown };

/**
 * The one place a node-zendesk outcome becomes data or a SpocError. It accepts every
 * shape the SDK produces: a raw `{response, result}` (any status), a result that is an
 * Error *returned as a value* (what node-zendesk's checkRequestResponse does whenever
 * a response carries Retry-After, e.g. a 429 or a 503, instead of throwing), and 2xx
 * bodies. Statuses come from the response itself, never from the SDK's guess (it
 * labels every Retry-After response 429 and passes 502/504 through as success).
 */
export function settle<T>(response: SdkResponse, result: unknown): T {
  const retryAfter = response.headers.get('retry-after');
  if (result instanceof Error) {
    const sdk = result as SdkError;
    const status = response.status >= 400 ? response.status : typeof sdk.statusCode === 'number' ? sdk.statusCode : 0;
    throw responseError(status || 429, sdk.result ?? null, retryAfter, sdk);
  }
  if (response.status < 200 || response.status >= 300) throw responseError(response.status, result, retryAfter);
  return result as T;
}

/** A Zendesk response that is not a success, as spoc's error kinds. */
export function responseError(status: number, body: unknown, retryAfter: string | null, cause?: unknown): SpocError {
  const b = (body ?? {}) as { error?: unknown; description?: string };
  const title = typeof b.error === 'string' ? b.error : (b.error as { title?: unknown } | undefined)?.title;
  const detail = typeof title === 'string' ? `${title}${b.description ? `: ${b.description}` : ''}` : `HTTP ${status}`;
  const retryAfterMs = parseRetryAfter(retryAfter);
  const options = {
    system: 'zendesk',
    status,
    ...(cause === undefined ? {} : { cause }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  if (status === 429) return new SpocError('transient', 'ZENDESK_RATE_LIMIT', `Zendesk rate limit: ${detail}`, options);
  if (status >= 500) return new SpocError('transient', `HTTP_${status}`, `Zendesk: ${detail}`, options);
  if (status === 401 || status === 403)
    return new SpocError('auth', 'ZENDESK_UNAUTHORIZED', `Zendesk rejected the credentials: ${detail}`, options);
  return new SpocError('vendor', `HTTP_${status}`, `Zendesk: ${detail}`, options);
}

/**
 * Something thrown while calling: node-zendesk's own error for a known status
 * (it carries statusCode and the body), else the transport itself (reset
 * connections, timeouts, DNS), which is worth retrying.
 */
export function thrownError(error: unknown): SpocError {
  const sdk = error as SdkError | null;
  if (sdk instanceof Error && typeof sdk.statusCode === 'number' && sdk.statusCode >= 400)
    return responseError(sdk.statusCode, sdk.result ?? null, null, error);
  const message = error instanceof Error ? error.message : String(error);
  return new SpocError('transient', 'NETWORK', `Zendesk unreachable: ${message}`, { cause: error, system: 'zendesk' });
}

/** Retry-After in seconds (what Zendesk sends) or as an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
