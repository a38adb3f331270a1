import { SpocError } from '@spoc/core';

/** A Zendesk response that is not a success, as spoc's error kinds. */
export function responseError(status: number, body: unknown, retryAfter: string | null): SpocError {
  const b = (body ?? {}) as { error?: unknown; description?: string };
  const detail =
    typeof b.error === 'string' ? `${b.error}${b.description ? `: ${b.description}` : ''}` : `HTTP ${status}`;
  const options = { system: 'zendesk', status };
  if (status === 429) {
    const seconds = Number(retryAfter);
    return new SpocError('transient', 'ZENDESK_RATE_LIMIT', `Zendesk rate limit: ${detail}`, {
      ...options,
      ...(Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: seconds * 1000 } : {}),
    });
  }
  if (status >= 500) return new SpocError('transient', `HTTP_${status}`, `Zendesk: ${detail}`, options);
  if (status === 401 || status === 403)
    return new SpocError('auth', 'ZENDESK_UNAUTHORIZED', `Zendesk rejected the credentials: ${detail}`, options);
  return new SpocError('vendor', `HTTP_${status}`, `Zendesk: ${detail}`, options);
}

/** Thrown by fetch itself: reset connections, timeouts, DNS. */
export function networkError(error: unknown): SpocError {
  const message = error instanceof Error ? error.message : String(error);
  return new SpocError('transient', 'NETWORK', `Zendesk unreachable: ${message}`, { cause: error, system: 'zendesk' });
}
