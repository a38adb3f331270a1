import { SpocError } from '@spoc/core/connector';
import { describe, expect, it } from 'vitest';
import { toSpocError } from './errors.ts';

/** jsforce's HttpApiError: name and errorCode are the Salesforce errorCode. */
const apiError = (errorCode: string, message: string) =>
  Object.assign(new Error(message), { name: errorCode, errorCode });
const response = (status: number, headers: Record<string, string> = {}) => ({ status, headers });

describe('toSpocError', () => {
  it.each([
    [
      'daily allocation',
      apiError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
      response(403),
      'vendor',
      'SALESFORCE_DAILY_LIMIT',
    ],
    [
      'concurrent long requests',
      apiError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'),
      response(403),
      'transient',
      'SALESFORCE_CONCURRENT_LIMIT',
    ],
    ['429', apiError('REQUEST_LIMIT_EXCEEDED', 'slow down'), response(429), 'transient', 'REQUEST_LIMIT_EXCEEDED'],
    ['503', apiError('SERVER_UNAVAILABLE', 'down'), response(503), 'transient', 'SERVER_UNAVAILABLE'],
    ['500 without a JSON body', apiError('ERROR_HTTP_500', '<html>'), undefined, 'transient', 'ERROR_HTTP_500'],
    [
      'row lock',
      apiError('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access'),
      response(400),
      'transient',
      'UNABLE_TO_LOCK_ROW',
    ],
    ['401', apiError('INVALID_SESSION_ID', 'Session expired or invalid'), response(401), 'auth', 'INVALID_SESSION_ID'],
    [
      'refused grant',
      Object.assign(new Error('expired access/refresh token'), { name: 'invalid_grant' }),
      undefined,
      'auth',
      'SALESFORCE_OAUTH',
    ],
    [
      'permission',
      apiError('INSUFFICIENT_ACCESS', 'insufficient access rights'),
      response(403),
      'auth',
      'INSUFFICIENT_ACCESS',
    ],
    [
      'unknown field',
      apiError('INVALID_FIELD', "No such column 'CSM__c' on entity 'Account'"),
      response(400),
      'config',
      'INVALID_FIELD',
    ],
    [
      'connection reset',
      Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }),
      undefined,
      'transient',
      'ECONNRESET',
    ],
    [
      'timeout',
      Object.assign(new Error('The operation was aborted. Request was aborted due to timeout of 30 minutes.'), {
        name: 'AbortError',
      }),
      undefined,
      'transient',
      'TIMEOUT',
    ],
    ['malformed query', apiError('MALFORMED_QUERY', 'unexpected token'), response(400), 'vendor', 'MALFORMED_QUERY'],
  ])('%s', (_name, error, res, kind, code) => {
    const e = toSpocError(error, res);
    expect(e).toBeInstanceOf(SpocError);
    expect([e.kind, e.code]).toEqual([kind, code]);
  });

  it('honours Retry-After and marks a 429 as throttling', () => {
    const e = toSpocError(apiError('REQUEST_LIMIT_EXCEEDED', 'x'), response(429, { 'retry-after': '3' }));
    expect(e).toMatchObject({ kind: 'transient', status: 429, retryAfterMs: 3000 });
  });

  it('passes a SpocError through unchanged', () => {
    const original = new SpocError('vendor', 'SALESFORCE_API_SHARE', 'share');
    expect(toSpocError(original)).toBe(original);
  });
});
