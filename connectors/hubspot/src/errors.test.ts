import { describe, expect, it } from 'vitest';
import { rateObservation, toSpocError } from './errors.ts';

/** What @hubspot/api-client 14 throws for an HTTP error: ApiException {code, body, headers}. */
const apiException = (code: number, body: unknown, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers });

describe('toSpocError', () => {
  it('makes rolling and secondly 429s transient, with the Retry-After the response gave', () => {
    const rolling = toSpocError(
      apiException(
        429,
        { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', message: 'slow down' },
        {
          'retry-after': '2',
        },
      ),
    );
    expect(rolling).toMatchObject({ kind: 'transient', code: 'HUBSPOT_RATE_LIMIT', status: 429, retryAfterMs: 2000 });
    const secondly = toSpocError(apiException(429, JSON.stringify({ policyName: 'SECONDLY', message: 'search' })));
    expect(secondly).toMatchObject({ kind: 'transient', status: 429, retryAfterMs: undefined });
  });

  it('makes the daily limit a stop, never a retry', () => {
    expect(toSpocError(apiException(429, { policyName: 'DAILY', message: 'daily' }))).toMatchObject({
      kind: 'vendor',
      code: 'HUBSPOT_DAILY_LIMIT',
    });
  });

  it('retries 5xx and network failures, not 4xx', () => {
    expect(toSpocError(apiException(503, 'Service Unavailable'))).toMatchObject({
      kind: 'transient',
      code: 'HTTP_503',
    });
    const reset = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    expect(toSpocError(reset)).toMatchObject({ kind: 'transient', code: 'NETWORK' });
    expect(toSpocError(new Error('socket hang up'))).toMatchObject({ kind: 'transient' });
    expect(toSpocError(apiException(404, { category: 'OBJECT_NOT_FOUND', message: 'nope' }))).toMatchObject({
      kind: 'vendor',
      code: 'OBJECT_NOT_FOUND',
      status: 404,
    });
  });

  it('names every scope HubSpot lists as missing', () => {
    const e = toSpocError(
      apiException(403, {
        category: 'MISSING_SCOPES',
        errors: [{ context: { requiredGranularScopes: ['crm.objects.owners.read', 'crm.objects.users.read'] } }],
      }),
    );
    expect(e).toMatchObject({ kind: 'auth', code: 'HUBSPOT_MISSING_SCOPES' });
    expect(e.message).toBe(
      'the HubSpot private app lacks a scope; it needs one of crm.objects.owners.read, crm.objects.users.read',
    );
  });
});

describe('rateObservation', () => {
  it('reads the remaining allowance from HubSpot headers, whatever their case (the interval is a length, not a reset time)', () => {
    expect(
      rateObservation({ 'X-HubSpot-RateLimit-Remaining': '0', 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000' }),
    ).toEqual({ remaining: 0 });
    expect(rateObservation({ 'content-type': 'application/json' })).toBeNull();
  });
});
