import type { RateBucket, RateState, SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';

/** The Growth plan's limit; a seed may name its plan's (Pro 400, Enterprise 700). https://developers.freshdesk.com/api/#ratelimit */
export const DEFAULT_PER_MINUTE = 200;

export function freshdeskBuckets(perMinute: number): Record<string, RateBucket> {
  return { default: { cap: perMinute, windowMs: 60_000 } };
}

/** The API key from `Basic base64(apiKey:X)` (any password), else null. */
export function apiKey(req: SandboxRequest): string | null {
  const header = req.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const key = decoded.split(':')[0] ?? '';
  return key === '' ? null : key;
}

/** Any key but `invalid` is a valid agent's; Freshdesk's 401 body. https://developers.freshdesk.com/api/#authentication */
export function authenticate(req: SandboxRequest): SandboxResponse | null {
  const key = apiKey(req);
  if (key && key !== 'invalid') return null;
  return {
    status: 401,
    body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' },
  };
}

/** A spent minute: 429 with Retry-After in seconds (the body's wording is *unverified*). */
export function rateLimited(state: RateState): SandboxResponse {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(state.resetMs / 1000))) },
    body: { code: 'rate_limit_exceeded', message: 'You have exceeded the limit of requests per minute' },
  };
}

/** Every response carries the plan's total, what is left this minute, and what this call cost. */
export function rateHeaders(state: RateState): Record<string, string> {
  return {
    'x-ratelimit-total': String(state.cap),
    'x-ratelimit-remaining': String(Math.max(0, state.remaining)),
    'x-ratelimit-used-currentrequest': '1',
  };
}
