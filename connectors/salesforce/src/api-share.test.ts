import type { AccountPage, Connector } from '@spoc/core/connector';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, account, BASE, config, ctx, fast, queryPage, sfError, usage } from '../test/fixtures.ts';
import { ApiShare } from './api-share.ts';
import { createSalesforceConnector } from './connector.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

async function readUntilStopped(connector: Connector) {
  const pages: AccountPage[] = [];
  let error: unknown = null;
  try {
    for await (const page of connector.readAccounts({ since: null })) pages.push(page);
  } catch (e) {
    error = e;
  }
  return { pages, error };
}

describe('daily API allocation', () => {
  it('tracks Sforce-Limit-Info and stops before the call that would pass its share, without sending it', async () => {
    // share 0.5 of 5,000 = 2,500 requests: after usage 2,499 one more call fits, after 2,500 none.
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(200, queryPage([account(1)], '01gS-1'), usage(2499))
      .get(`${API}/query/01gS-1`)
      .reply(200, queryPage([account(2)], '01gS-2'), usage(2500));
    const third = nock(BASE)
      .get(`${API}/query/01gS-2`)
      .reply(200, queryPage([account(3)]));
    const connector = createSalesforceConnector(config, ctx, fast);
    const { pages, error } = await readUntilStopped(connector);

    expect(pages.map((p) => p.records.length)).toEqual([1, 1]);
    expect(error).toMatchObject({
      kind: 'vendor',
      code: 'SALESFORCE_API_SHARE',
      message: expect.stringContaining('2500/5000'),
    });
    expect(third.isDone()).toBe(false);
    expect(connector.stats()).toMatchObject({ calls: 3, retries: 0 });
  });

  it('the daily allocation can be overridden, e.g. to give spoc a smaller budget than the org has', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(200, queryPage([account(1)], '01gT-1'), usage(5, 100_000));
    const connector = createSalesforceConnector(config, ctx, { ...fast, dailyAllocation: 10 });
    const { pages, error } = await readUntilStopped(connector);
    expect(pages).toHaveLength(1);
    expect(error).toMatchObject({ code: 'SALESFORCE_API_SHARE', message: expect.stringContaining('5/10') });
  });

  it('stops cleanly on 403 REQUEST_LIMIT_EXCEEDED with a message an admin can act on', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(403, sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), usage(5000));
    const connector = createSalesforceConnector(config, ctx, fast);
    const { error } = await readUntilStopped(connector);
    expect(error).toMatchObject({
      kind: 'vendor',
      code: 'SALESFORCE_DAILY_LIMIT',
      message: expect.stringMatching(/daily API request allocation is used up/),
    });
    // The day's usage as the org reported it (Sforce-Limit-Info), for /metrics and the console.
    expect(connector.stats()).toEqual({ calls: 1, retries: 0, throttled: 0, daily: { used: 5000, limit: 5000 } });
  });

  it('waits out a 429 for as long as Retry-After says, then goes on', async () => {
    nock(BASE)
      .get(`${API}/query`)
      .query(true)
      .reply(429, sfError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'), { 'Retry-After': '0' })
      .get(`${API}/query`)
      .query(true)
      .reply(200, queryPage([account(1)]));
    const connector = createSalesforceConnector(config, ctx, fast);
    const { pages, error } = await readUntilStopped(connector);
    expect(error).toBeNull();
    expect(pages[0]?.records).toHaveLength(1);
    expect(connector.stats()).toMatchObject({ calls: 2, retries: 1, throttled: 1 });
  });
});

describe('ApiShare rule', () => {
  it('counts calls in flight, so parallel calls cannot overshoot the share together', () => {
    const share = new ApiShare(0.5, undefined);
    share.begin();
    share.end('api-usage=7/20');
    // Budget 10, used 7: three more calls may start, the fourth may not.
    share.begin();
    share.begin();
    share.begin();
    expect(() => share.begin()).toThrow(/spoc stops before passing its share of 10 requests/);
    share.end('api-usage=10/20');
    expect(share.usage()).toEqual({ used: 10, max: 20 });
  });

  it('allows the first call of a run, before any usage is known', () => {
    const share = new ApiShare(0.1);
    expect(() => share.begin()).not.toThrow();
    expect(share.usage()).toBeNull();
  });
});
