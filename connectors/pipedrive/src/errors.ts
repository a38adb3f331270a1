import { type RateObservation, SpocError } from '@spoc/core/connector';
import { errorText, namesDailyBudget, RATE_HEADERS } from './mapping.ts';

/** Response headers as axios hands them (AxiosHeaders or a plain object). */
export type Headers = Record<string, unknown> & { get?: (name: string) => unknown };

/**
 * A 429 asking to wait longer than this is the day's budget, not the 2-second window:
 * retrying within the run cannot succeed.
 */
const DAILY_RETRY_AFTER_MS = 5 * 60_000;

const NETWORK =
  /ECONNRESET|ECONNREFUSED|ECONNABORTED|ETIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|socket hang up|network|timeout|aborted/i;

/**
 * A Pipedrive answer that is not a success, as spoc's error kinds, in one place: the
 * 2-second window's 429 and 5xx are transient (Retry-After honoured), the day's budget
 * stops the system's run (like HubSpot's DAILY limit), 401 is an auth problem, and any
 * other refusal is the vendor's verdict on the request (a write fails only its record).
 */
export function responseError(status: number, body: unknown, headers: Headers, what: string): SpocError {
  const { message, code } = errorText(body);
  const detail = message ?? `HTTP ${status}`;
  const options = { system: 'pipedrive', status, cause: { status, body, code } };
  if (status === 429) {
    const retryAfterMs = waitOf(headers);
    const dailyLeft = numberHeader(headers, RATE_HEADERS.dailyLeft);
    if (
      namesDailyBudget(message) ||
      (dailyLeft !== undefined && dailyLeft <= 0) ||
      (retryAfterMs ?? 0) > DAILY_RETRY_AFTER_MS
    ) {
      return new SpocError(
        'vendor',
        'PIPEDRIVE_DAILY_LIMIT',
        `Pipedrive's daily API budget is spent; the run stops here and resumes from the last page read once the budget resets (midnight UTC): ${detail}`,
        options,
      );
    }
    return new SpocError('transient', 'PIPEDRIVE_RATE_LIMIT', `Pipedrive rate limit (${what}): ${detail}`, {
      ...options,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 401)
    return new SpocError(
      'auth',
      'PIPEDRIVE_UNAUTHORIZED',
      `Pipedrive rejected the API token (systems.pipedrive.apiToken): ${detail}`,
      options,
    );
  if (status >= 500) return new SpocError('transient', `HTTP_${status}`, `Pipedrive ${what}: ${detail}`, options);
  return new SpocError(
    'vendor',
    code ? `PIPEDRIVE_${code}`.toUpperCase() : `HTTP_${status}`,
    `Pipedrive ${what}: ${detail}`,
    options,
  );
}

/** Something thrown before an answer came: the transport (worth retrying), or the run's own abort. */
export function transportError(error: unknown, what: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (NETWORK.test(code) || NETWORK.test(message))
    return new SpocError(
      'transient',
      'NETWORK',
      `Pipedrive unreachable (${what}): ${message}${code ? ` (${code})` : ''}`,
      {
        system: 'pipedrive',
        cause: error,
      },
    );
  return new SpocError('vendor', 'UNEXPECTED', `Pipedrive ${what} failed: ${message}`, {
    system: 'pipedrive',
    cause: error,
  });
}

/** The 2-second window's state from x-ratelimit-remaining / x-ratelimit-reset, for VendorGate.observe. */
export function rateObservation(headers: Headers): RateObservation | null {
  const remaining = numberHeader(headers, RATE_HEADERS.remaining);
  if (remaining === undefined) return null;
  const reset = numberHeader(headers, RATE_HEADERS.reset);
  return reset === undefined ? { remaining } : { remaining, resetMs: Math.ceil(reset * 1000) };
}

/** Retry-After (seconds or an HTTP date), else x-ratelimit-reset. */
function waitOf(headers: Headers): number | undefined {
  const value = header(headers, RATE_HEADERS.retryAfter);
  if (value !== undefined) {
    const seconds = Number(value);
    if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, at - Date.now());
  }
  const reset = numberHeader(headers, RATE_HEADERS.reset);
  return reset === undefined ? undefined : Math.ceil(reset * 1000);
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = header(headers, name);
  // An absent or empty header must not read as 0 (Number('') === 0 would stop the run).
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function header(headers: Headers, name: string): string | undefined {
  const raw = typeof headers.get === 'function' ? headers.get(name) : undefined;
  const value = raw ?? headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  if (value === undefined || value === null) return undefined;
  return Array.isArray(value) ? String(value[0]) : String(value);
}
