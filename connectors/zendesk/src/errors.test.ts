import { SpocError } from '@spoc/core/connector';
import nock from 'nock';
import zendesk from 'node-zendesk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SdkResponse, settle, thrownError } from './errors.ts';

const HOST = 'https://acme.zendesk.com';
const headers = (h: Record<string, string>): SdkResponse['headers'] => ({ get: (n) => h[n.toLowerCase()] ?? null });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

function caught(fn: () => unknown): SpocError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SpocError) return error;
    throw error;
  }
  throw new Error('expected a SpocError');
}

describe('Zendesk error mapping', () => {
  it('node-zendesk request() hands a 429 back as a value; settle turns it into a retryable error with the wait', async () => {
    nock(HOST)
      .get('/api/v2/users/me.json')
      .reply(429, 'Rate limit for ratelimit exceeded. Please wait and try again.', {
        'Content-Type': 'text/plain',
        'Retry-After': '37',
      });
    const client = zendesk.createClient({ username: 'ops@acme.com', token: 't', endpointUri: `${HOST}/api/v2` });
    // The SDK's documented request path: it resolves (no throw) with an Error as the result.
    const { response, result } = (await client.users.request('GET', 'users/me')) as unknown as {
      response: SdkResponse;
      result: unknown;
    };
    expect(result).toBeInstanceOf(Error);
    const error = caught(() => settle(response, result));
    expect(error).toMatchObject({ kind: 'transient', code: 'ZENDESK_RATE_LIMIT', status: 429, retryAfterMs: 37_000 });
  });

  it('a 503 carrying Retry-After keeps its real status and is retried after the wait', () => {
    const value = Object.assign(new Error('Zendesk rate limits 200 requests per minute'), { statusCode: 429 });
    const error = caught(() => settle({ status: 503, headers: headers({ 'retry-after': '5' }) }, value));
    expect(error).toMatchObject({ kind: 'transient', status: 503, retryAfterMs: 5000 });
  });

  it('a 502 the SDK would pass through as data is an error, and 401/403 are auth errors that stop the run', () => {
    expect(caught(() => settle({ status: 502, headers: headers({}) }, {}))).toMatchObject({ kind: 'transient' });
    const denied = caught(() =>
      settle({ status: 401, headers: headers({}) }, { error: "Couldn't authenticate you", description: '' }),
    );
    expect(denied).toMatchObject({ kind: 'auth', code: 'ZENDESK_UNAUTHORIZED' });
    expect(denied.message).toContain("Couldn't authenticate you");
    expect(caught(() => settle({ status: 403, headers: headers({}) }, {})).kind).toBe('auth');
  });

  it('a 422 names Zendesk’s error and description and is not retried', () => {
    const error = caught(() =>
      settle(
        { status: 422, headers: headers({}) },
        { error: 'RecordInvalid', description: 'Record validation errors', details: { name: [] } },
      ),
    );
    expect(error).toMatchObject({
      kind: 'vendor',
      code: 'HTTP_422',
      message: 'Zendesk: RecordInvalid: Record validation errors',
    });
  });

  it('errors the SDK throws keep their status; transport failures are retryable', () => {
    const sdk = Object.assign(new Error('Zendesk Error (404): Item not found'), { statusCode: 404, result: {} });
    expect(thrownError(sdk)).toMatchObject({ kind: 'vendor', status: 404 });
    expect(thrownError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({
      kind: 'transient',
      code: 'NETWORK',
    });
  });
});
