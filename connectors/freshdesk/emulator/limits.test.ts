import { describe, expect, it } from 'vitest';
import { AUTH, startFreshdesk, testSeed } from '../test/emulator.ts';

describe('Freshdesk rate limits', () => {
  it('counts down X-RateLimit-Remaining and answers past the plan’s minute with 429 and Retry-After', async () => {
    // A 0.1 time scale makes the minute window 6 s: short, yet longer than this test.
    const fd = await startFreshdesk({ ...testSeed(1), rateLimitPerMinute: 50 }, { rateLimits: true, timeScale: 0.1 });
    try {
      const first = await fd.call('GET', '/api/v2/agents/me');
      expect(first.headers.get('x-ratelimit-total')).toBe('50');
      expect(first.headers.get('x-ratelimit-remaining')).toBe('49');
      expect(first.headers.get('x-ratelimit-used-currentrequest')).toBe('1');
      const all = await Promise.all(
        Array.from({ length: 50 }, () => fetch(`${fd.url}/api/v2/agents/me`, { headers: { authorization: AUTH } })),
      );
      const limited = all.filter((r) => r.status === 429);
      expect(limited).toHaveLength(1);
      const last = limited[0] as Response;
      const retryAfter = Number(last.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(6);
      expect(last.headers.get('x-ratelimit-remaining')).toBe('0');
      await Promise.all(all.map((r) => r.body?.cancel()));
      expect(fd.server.stats().throttled).toBe(1);
    } finally {
      await fd.close();
    }
  });
});
