import { SpocError } from '@spoc/core/connector';
import { z } from 'zod';

/**
 * Freshdesk's error body: `{description, errors: [{field, message, code}]}` for
 * validation (400) and most others; `{code, message}` for auth and access errors.
 * https://developers.freshdesk.com/api/#error
 */
const ErrorBodyApiSchema = z.looseObject({
  description: z.string().nullable().optional(),
  code: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
  errors: z
    .array(
      z.looseObject({
        field: z.string().nullable().optional(),
        message: z.string().nullable().optional(),
        code: z.string().nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
});

/** A Freshdesk response that is not a success, as spoc's error kinds. */
export function responseError(status: number, body: unknown, retryAfter: string | null): SpocError {
  const parsed = ErrorBodyApiSchema.safeParse(body);
  const b = parsed.success ? parsed.data : {};
  const details = (b.errors ?? [])
    .map((e) => [e.field, e.message ?? e.code].filter(Boolean).join(': '))
    .filter((s) => s !== '');
  const headline = b.description ?? b.message ?? `HTTP ${status}`;
  const detail = details.length > 0 ? `${headline} (${details.join('; ')})` : headline;
  const retryAfterMs = parseRetryAfter(retryAfter);
  const options = {
    system: 'freshdesk',
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
  if (status === 429)
    return new SpocError('transient', 'FRESHDESK_RATE_LIMIT', `Freshdesk rate limit: ${detail}`, options);
  if (status >= 500) return new SpocError('transient', `HTTP_${status}`, `Freshdesk: ${detail}`, options);
  if (status === 401 || status === 403)
    return new SpocError('auth', 'FRESHDESK_UNAUTHORIZED', `Freshdesk refused the API key: ${detail}`, options);
  // The first field error's code (invalid_value, missing_field…) says most about a rejected record.
  const code = b.errors?.find((e) => e.code)?.code ?? b.code ?? `HTTP_${status}`;
  return new SpocError('vendor', code, `Freshdesk: ${detail}`, options);
}

/** The transport itself failed (reset connection, timeout, DNS): worth retrying. */
export function networkError(error: unknown): SpocError {
  const message = error instanceof Error ? error.message : String(error);
  return new SpocError('transient', 'NETWORK', `Freshdesk unreachable: ${message}`, {
    cause: error,
    system: 'freshdesk',
  });
}

/** A response whose envelope is not Freshdesk's: the page is unusable (a record-level flaw is rejected instead). */
export function malformed(what: string, detail: string): SpocError {
  return new SpocError('vendor', 'FRESHDESK_MALFORMED', `Freshdesk ${what} response is malformed: ${detail}`, {
    system: 'freshdesk',
  });
}

/** Retry-After in seconds (what Freshdesk sends) or as an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
