import { describe, expect, it } from 'vitest';
import { AUTH, startZendesk, testSeed } from '../test/emulator.ts';

describe('Zendesk rate limits', () => {
  it('counts down X-Rate-Limit-Remaining and answers the 701st request with a text/plain 429 and Retry-After', async () => {
    // A 0.1 time scale makes the minute window 6 s: short, yet longer than this test.
    const z = await startZendesk(testSeed(1), { rateLimits: true, timeScale: 0.1 });
    try {
      const first = await z.get('/users/me.json');
      expect(first.headers.get('x-rate-limit')).toBe('700');
      expect(first.headers.get('x-rate-limit-remaining')).toBe('699');
      const all = await Promise.all(
        Array.from({ length: 700 }, () => fetch(`${z.api}/users/me.json`, { headers: { authorization: AUTH } })),
      );
      const limited = all.filter((r) => r.status === 429);
      expect(limited).toHaveLength(1);
      const last = limited[0] as Response;
      expect(last.headers.get('content-type')).toContain('text/plain');
      const retryAfter = Number(last.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(6);
      expect(last.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(await last.text()).toBe('Rate limit for ratelimit exceeded. Please wait and try again.');
      await Promise.all(all.filter((r) => !r.bodyUsed).map((r) => r.body?.cancel()));

      expect(z.server.stats().throttled).toBe(1);
    } finally {
      await z.close();
    }
  });

  it('serves the High Volume API add-on plan at 2,500 a minute when the seed says so', async () => {
    // The real minute: 2,500 requests take longer than a scaled one.
    const z = await startZendesk({ ...testSeed(1), rateLimitPerMinute: 2_500 }, { rateLimits: true });
    try {
      const first = await z.get('/users/me.json');
      expect(first.headers.get('x-rate-limit')).toBe('2500');
      const all = await Promise.all(
        Array.from({ length: 2_500 }, () => fetch(`${z.api}/users/me.json`, { headers: { authorization: AUTH } })),
      );
      expect(all.filter((r) => r.status === 429)).toHaveLength(1);
      await Promise.all(all.filter((r) => !r.bodyUsed).map((r) => r.body?.cancel()));
    } finally {
      await z.close();
    }
  });

  it('gives the incremental export its own 10-a-minute bucket', async () => {
    const z = await startZendesk(testSeed(1), { rateLimits: true, timeScale: 0.1 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++)
        statuses.push((await z.get('/incremental/organizations.json?start_time=1700000000')).status);
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      expect(statuses[10]).toBe(429);
      expect((await z.get('/organizations.json')).status).toBe(200);
    } finally {
      await z.close();
    }
  });
});
