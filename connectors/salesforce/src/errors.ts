import { SpocError } from '@spoc/core/connector';

/** What jsforce throws: HttpApiError {errorCode, message, data}, OAuth2 errors (name = OAuth error), or fetch/undici errors. */
interface JsforceErrorLike {
  errorCode?: unknown;
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: { code?: unknown; message?: unknown; cause?: { code?: unknown } };
}

/** The final HTTP response of a failed call, when there was one (jsforce's errors do not carry it). */
export interface ResponseInfo {
  status: number;
  headers: Record<string, string>;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const NETWORK_TEXT = /fetch failed|socket hang up|other side closed|terminated|ECONNRESET|network/i;
/** Token-endpoint answers that mean the credentials themselves are wrong or revoked. */
const OAUTH_REJECTED =
  /^(invalid_grant|invalid_client|invalid_client_id|invalid_client_credentials|unauthorized_client|inactive_user|inactive_org|unsupported_grant_type)$/;
/** Call-level errors that name a field or object the org does not have: the config is wrong. */
const CONFIG_CODES = new Set(['INVALID_FIELD', 'INVALID_TYPE', 'NO_SUCH_COLUMN', 'INVALID_FIELD_FOR_INSERT_UPDATE']);

/**
 * Maps every jsforce failure to spoc's error kinds, in one place. Only `transient` is
 * retried (by the VendorGate): 429, 5xx, row locks, network resets and timeouts. The
 * daily allocation (403 REQUEST_LIMIT_EXCEEDED "TotalRequests") stops the system; 401
 * and refused OAuth grants are `auth`; a field the org lacks is `config`.
 */
export function toSpocError(error: unknown, response?: ResponseInfo): SpocError {
  if (error instanceof SpocError) return error;
  const e = (error ?? {}) as JsforceErrorLike;
  const status = response?.status ?? statusFromCode(e.errorCode);
  const code = str(e.errorCode) ?? str(e.name) ?? 'UNKNOWN';
  const message = str(e.message) ?? String(error);
  const base = { cause: error, system: 'salesforce', ...(status !== undefined ? { status } : {}) };
  const retryAfterMs = retryAfter(response?.headers);
  const transient = (c: string, m: string) =>
    new SpocError('transient', c, m, { ...base, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

  if (code === 'REQUEST_LIMIT_EXCEEDED' && status !== 429 && !/Concurrent/i.test(message)) {
    return new SpocError(
      'vendor',
      'SALESFORCE_DAILY_LIMIT',
      `Salesforce refused the call: the org's daily API request allocation is used up (REQUEST_LIMIT_EXCEEDED: ${message}). spoc stops calling Salesforce for this run; it resumes from the last page read once usage drops (a rolling 24 hours)`,
      base,
    );
  }
  // The concurrent long-running request limit (403, no Retry-After): 25 calls of the org
  // are running longer than 20 s. It clears as they end, so back off and retry.
  if (code === 'REQUEST_LIMIT_EXCEEDED' && status !== 429) {
    return transient(
      'SALESFORCE_CONCURRENT_LIMIT',
      `Salesforce refused the call: too many long-running requests in the org at once (REQUEST_LIMIT_EXCEEDED: ${message}); spoc backs off and retries`,
    );
  }
  // Any 429/420: wait (Retry-After when sent) and retry.
  if (status === 429 || status === 420 || code === 'REQUEST_LIMIT_EXCEEDED') {
    return transient(code, `Salesforce is throttling requests (${code}): ${message}`);
  }
  if ((status !== undefined && status >= 500) || code === 'SERVER_UNAVAILABLE' || code === 'UNABLE_TO_LOCK_ROW') {
    return transient(code, `Salesforce is unavailable (${status ?? code}): ${message}`);
  }
  if (status === 401 || code === 'INVALID_SESSION_ID' || code === 'INVALID_AUTH_HEADER') {
    return new SpocError(
      'auth',
      'INVALID_SESSION_ID',
      `Salesforce rejected the session (INVALID_SESSION_ID): ${message}`,
      base,
    );
  }
  if (OAUTH_REJECTED.test(code)) {
    return new SpocError(
      'auth',
      'SALESFORCE_OAUTH',
      `Salesforce's token endpoint refused spoc's credentials (${code}): ${message}`,
      base,
    );
  }
  if (status === 403) {
    return new SpocError(
      'auth',
      code,
      `Salesforce denied access (${code}): ${message}. Check the integration user's permissions`,
      base,
    );
  }
  if (CONFIG_CODES.has(code)) {
    return new SpocError('config', code, `Salesforce does not know a configured name (${code}): ${message}`, base);
  }
  const network = str(e.cause?.code) ?? str(e.cause?.cause?.code) ?? str(e.code);
  if ((network && NETWORK_CODES.has(network)) || (status === undefined && NETWORK_TEXT.test(message))) {
    return transient(network ?? 'NETWORK', `Network failure talking to Salesforce: ${message}`);
  }
  // jsforce aborts a fetch at its `timeout` and rethrows the AbortError.
  if (code === 'AbortError' || code === 'TimeoutError' || message === 'Request Timeout') {
    return transient('TIMEOUT', 'Salesforce did not answer in time (the request was abandoned and is retried)');
  }
  return new SpocError('vendor', code, `Salesforce error (${code}): ${message}`, base);
}

/** jsforce's fallback errorCode for bodies it cannot read is ERROR_HTTP_<status>. */
function statusFromCode(code: unknown): number | undefined {
  const m = typeof code === 'string' ? /^ERROR_HTTP_(\d{3})$/.exec(code) : null;
  return m ? Number(m[1]) : undefined;
}

function retryAfter(headers: Record<string, string> | undefined): number | undefined {
  const value = headers?.['retry-after'];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
