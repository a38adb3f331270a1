import { type RateObservation, SpocError } from '@spoc/core/connector';

/** What @hubspot/api-client throws: ApiException {code, body, headers}, or a fetch/network Error. */
interface ApiExceptionLike {
  code?: unknown;
  body?: unknown;
  headers?: Record<string, string>;
  message?: string;
  cause?: { code?: string; message?: string };
}

interface HubspotErrorBody {
  message?: string;
  category?: string;
  policyName?: string;
  errors?: { message?: string; context?: { requiredGranularScopes?: string[]; requiredScopes?: string[] } }[];
}

const NETWORK =
  /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|UND_ERR|socket hang up|fetch failed|network|terminated|other side closed/i;

/**
 * Maps an @hubspot/api-client ApiException (or a network failure) to spoc's error kinds,
 * in one place: 429 (rolling/secondly) and 5xx are transient, the daily limit stops the
 * run, 401 and missing scopes are auth problems, anything else is the vendor's verdict.
 */
export function toSpocError(error: unknown): SpocError {
  if (error instanceof SpocError) return error;
  const e = (error ?? {}) as ApiExceptionLike;
  const status = typeof e.code === 'number' ? e.code : undefined;
  const body = parseBody(e.body);
  const message = body.message ?? e.message ?? String(error);
  const options = { cause: error, system: 'hubspot', ...(status !== undefined ? { status } : {}) };

  if (status === 429) {
    if (body.policyName === 'DAILY') {
      return new SpocError(
        'vendor',
        'HUBSPOT_DAILY_LIMIT',
        `HubSpot daily API limit reached; the run stops here and resumes from the last page read once the limit resets (midnight in the HubSpot account's time zone): ${message}`,
        options,
      );
    }
    const retryAfterMs = retryAfter(e.headers);
    return new SpocError(
      'transient',
      'HUBSPOT_RATE_LIMIT',
      `HubSpot rate limit (${body.policyName ?? 'unknown policy'}): ${message}`,
      {
        ...options,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
    );
  }
  if (status === 401) {
    return new SpocError(
      'auth',
      'HUBSPOT_UNAUTHORIZED',
      `HubSpot rejected the access token (systems.hubspot.accessToken, a private-app token): ${message}`,
      options,
    );
  }
  if (status === 403 && body.category === 'MISSING_SCOPES') {
    const scopes = missingScopes(body);
    return new SpocError(
      'auth',
      'HUBSPOT_MISSING_SCOPES',
      scopes.length > 1
        ? `the HubSpot private app lacks a scope; it needs one of ${scopes.join(', ')}`
        : `the HubSpot private app lacks the scope ${scopes[0] ?? '(HubSpot did not name it)'}`,
      options,
    );
  }
  if (status !== undefined && status >= 500) {
    const retryAfterMs = retryAfter(e.headers);
    return new SpocError('transient', `HTTP_${status}`, `HubSpot server error ${status}: ${message}`, {
      ...options,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status === undefined) {
    const causeCode = e.cause?.code ?? (typeof e.code === 'string' ? e.code : '');
    if (NETWORK.test(message) || NETWORK.test(causeCode) || NETWORK.test(e.cause?.message ?? '')) {
      return new SpocError(
        'transient',
        'NETWORK',
        `HubSpot unreachable: ${message}${causeCode ? ` (${causeCode})` : ''}`,
        options,
      );
    }
    // The SDK cannot parse a non-JSON error body (a gateway's 502 page) and throws a bare
    // Error without the status: such a response is a passing fault, not a verdict.
    if (/Cannot parse content|Unsupported content type|Unexpected token/i.test(message)) {
      return new SpocError('transient', 'UNPARSEABLE_RESPONSE', message, options);
    }
  }
  return new SpocError('vendor', body.category ?? `HTTP_${status ?? 'ERROR'}`, message, options);
}

/** The rate-limit headers HubSpot sends on most (not search) responses, for VendorGate.observe. */
export function rateObservation(headers: Record<string, string> | undefined): RateObservation | null {
  const remaining = Number(header(headers, 'x-hubspot-ratelimit-remaining'));
  if (header(headers, 'x-hubspot-ratelimit-remaining') === undefined || !Number.isFinite(remaining)) return null;
  // X-HubSpot-RateLimit-Interval-Milliseconds is the window's length, not the time until
  // it resets: the gate works that out from its own calls.
  return { remaining };
}

/** The day's allowance, from X-HubSpot-RateLimit-Daily and -Daily-Remaining (sent with most responses). */
export function dailyUsage(headers: Record<string, string> | undefined): { used: number; limit: number } | null {
  const limit = Number(header(headers, 'x-hubspot-ratelimit-daily'));
  const remaining = Number(header(headers, 'x-hubspot-ratelimit-daily-remaining'));
  if (!Number.isFinite(limit) || !Number.isFinite(remaining) || limit <= 0) return null;
  if (header(headers, 'x-hubspot-ratelimit-daily') === undefined) return null;
  return { used: Math.max(0, limit - remaining), limit };
}

function missingScopes(body: HubspotErrorBody): string[] {
  const scopes = (body.errors ?? []).flatMap(
    (e) => e.context?.requiredGranularScopes ?? e.context?.requiredScopes ?? [],
  );
  return [...new Set(scopes)];
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfter(headers: Record<string, string> | undefined): number | undefined {
  const value = header(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

function parseBody(body: unknown): HubspotErrorBody {
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' ? (parsed as HubspotErrorBody) : { message: body };
    } catch {
      return body.trim() ? { message: body.slice(0, 300) } : {};
    }
  }
  return body && typeof body === 'object' ? (body as HubspotErrorBody) : {};
}
