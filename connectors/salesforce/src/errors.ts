import { SpocError } from '@spoc/core';

/** jsforce's HttpApiError carries the Salesforce errorCode; network failures carry a cause code. */
interface JsforceError {
  errorCode?: string;
  name?: string;
  message?: string;
  cause?: { code?: string };
  code?: string;
}

const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

/** Maps a jsforce failure to spoc's error kinds: only `transient` is retried. */
export function toSpocError(error: unknown): SpocError {
  if (error instanceof SpocError) return error;
  const e = (error ?? {}) as JsforceError;
  const code = e.errorCode ?? e.name ?? 'UNKNOWN';
  const message = e.message ?? String(error);
  const options = { cause: error, system: 'salesforce' };
  if (code === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(message)) {
    return new SpocError('vendor', 'SALESFORCE_DAILY_LIMIT', `Salesforce daily API limit reached: ${message}`, options);
  }
  if (
    code === 'REQUEST_LIMIT_EXCEEDED' ||
    code === 'SERVER_UNAVAILABLE' ||
    code === 'UNABLE_TO_LOCK_ROW' ||
    /^ERROR_HTTP_(5\d\d|429|420)$/.test(code)
  ) {
    return new SpocError('transient', code, message, options);
  }
  if (
    code === 'INVALID_SESSION_ID' ||
    code === 'INVALID_AUTH_HEADER' ||
    /refresh/i.test(message) ||
    code === 'invalid_grant'
  ) {
    return new SpocError('auth', code, `Salesforce rejected the credentials: ${message}`, options);
  }
  const network = e.cause?.code ?? e.code;
  if ((network && NETWORK.has(network)) || /fetch failed|socket hang up|ECONNRESET|terminated/i.test(message)) {
    return new SpocError('transient', network ?? 'NETWORK', message, options);
  }
  return new SpocError('vendor', code, message, options);
}
