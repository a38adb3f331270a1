import type { RateBucket, RateState, SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';

/** Support API: 700 requests a minute (Enterprise); the incremental exports have their own 10 a minute. */
export const ZENDESK_BUCKETS: Record<string, RateBucket> = {
  default: { cap: 700, windowMs: 60_000 },
  incremental: { cap: 10, windowMs: 60_000 },
};

/** The API token from `Basic base64(email/token:TOKEN)` or `Bearer TOKEN`, else null. */
export function credentials(req: SandboxRequest): { email: string | null; token: string } | null {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) {
    const token = header.slice(7).trim();
    return token ? { email: null, token } : null;
  }
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const m = /^([^:/\s]+@[^:/\s]+)\/token:(.+)$/.exec(decoded);
    return m?.[1] && m[2] ? { email: m[1], token: m[2] } : null;
  }
  return null;
}

export function authenticate(req: SandboxRequest): SandboxResponse | null {
  const creds = credentials(req);
  return !creds || creds.token === 'invalid' ? { status: 401, body: { error: "Couldn't authenticate you" } } : null;
}

/** Zendesk's 429 is plain text with Retry-After in seconds. */
export function rateLimited(state: RateState): SandboxResponse {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(state.resetMs / 1000))) },
    text: 'Rate limit for ratelimit exceeded. Please wait and try again.',
  };
}

export function rateHeaders(state: RateState): Record<string, string> {
  return { 'x-rate-limit': String(state.cap), 'x-rate-limit-remaining': String(Math.max(0, state.remaining)) };
}
