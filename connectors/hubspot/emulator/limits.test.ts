import { afterEach, describe, expect, it } from 'vitest';
import { OWNER_B, type RunningHubspot, sdkError, startHubspot, testSeed } from '../test/emulator.ts';

let hs: RunningHubspot | undefined;
afterEach(async () => {
  await hs?.close();
  hs = undefined;
});

describe('HubSpot credentials and limits', () => {
  it('answers a rejected or missing token with 401 INVALID_AUTHENTICATION', async () => {
    hs = await startHubspot(testSeed(1));
    const denied = await sdkError(() => hs!.client('invalid').crm.companies.basicApi.getPage(10));
    expect(denied.code).toBe(401);
    expect(denied.body).toMatchObject({
      message: expect.stringMatching(/^Authentication credentials not found/),
      category: 'INVALID_AUTHENTICATION',
      correlationId: expect.any(String),
    });
    const raw = await fetch(`${hs.server.url}/crm/v3/owners/`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ status: 'error', category: 'INVALID_AUTHENTICATION' });
  });

  it('refuses company writes to a token without crm.objects.companies.write (403 MISSING_SCOPES); reads work', async () => {
    hs = await startHubspot(testSeed(2));
    const client = hs.client('noscope-readonly');
    expect((await client.crm.companies.basicApi.getPage(10)).results).toHaveLength(2);
    const refused = await sdkError(() =>
      client.crm.companies.batchApi.update({ inputs: [{ id: '1001', properties: { hubspot_owner_id: OWNER_B } }] }),
    );
    expect(refused.code).toBe(403);
    expect(refused.body).toMatchObject({
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      category: 'MISSING_SCOPES',
      errors: [
        {
          message: 'One or more of the following scopes are required.',
          context: { requiredGranularScopes: ['crm.objects.companies.write'] },
        },
      ],
    });
    const raw = await hs.fetch('/crm/v3/objects/companies/batch/update', {
      method: 'POST',
      body: { inputs: [] },
      token: 'noscope-readonly',
    });
    expect(raw.status).toBe(403);
    expect(await raw.json()).toMatchObject({ status: 'error', category: 'MISSING_SCOPES', links: expect.any(Object) });
    expect(
      (await sdkError(() => client.crm.companies.basicApi.update('1001', { properties: { name: 'x' } }))).code,
    ).toBe(403);
    // Contacts writes are a different scope, which this token has.
    const contact = await client.crm.contacts.batchApi.updateWithHttpInfo({
      inputs: [{ id: '5001', properties: { hubspot_owner_id: OWNER_B } }],
    });
    expect(contact.httpStatusCode).toBe(200);
    expect(hs.writes.all().map((w) => [w.object, w.id])).toEqual([['contacts', '5001']]);
  });

  it('answers the 191st request of a 10-second window with 429 TEN_SECONDLY_ROLLING and the limit headers', async () => {
    // A hundredth of the time scale: the window is 100 ms of the (frozen) sandbox clock.
    hs = await startHubspot(testSeed(1), { rateLimits: true, timeScale: 0.01 });
    const client = hs.client();
    const remaining: number[] = [];
    for (let i = 0; i < 190; i++) {
      const info = await client.crm.owners.ownersApi.getPageWithHttpInfo(undefined, undefined, 1);
      remaining.push(Number(info.headers['x-hubspot-ratelimit-remaining']));
      if (i === 0) {
        expect(info.headers).toMatchObject({
          'x-hubspot-ratelimit-max': '190',
          'x-hubspot-ratelimit-interval-milliseconds': '100',
          'x-hubspot-ratelimit-daily': '1000000',
          'x-hubspot-ratelimit-daily-remaining': '999999',
        });
      }
    }
    expect(remaining[0]).toBe(189);
    expect(remaining[189]).toBe(0);

    const limited = await sdkError(() => client.crm.owners.ownersApi.getPage());
    expect(limited.code).toBe(429);
    expect(limited.headers).toMatchObject({ 'x-hubspot-ratelimit-max': '190', 'x-hubspot-ratelimit-remaining': '0' });
    const raw = await hs.fetch('/crm/v3/owners/');
    expect(raw.status).toBe(429);
    expect(await raw.json()).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      correlationId: expect.any(String),
      policyName: 'TEN_SECONDLY_ROLLING',
    });
    expect(hs.server.stats().throttled).toBe(2);

    hs.clock.ms += 100;
    const next = await client.crm.owners.ownersApi.getPageWithHttpInfo();
    expect(next.headers['x-hubspot-ratelimit-remaining']).toBe('189');
  });

  it('serves the API Limit Increase capacity pack at 250 a 10-second window when the seed says so', async () => {
    hs = await startHubspot({ ...testSeed(1), burstLimit: 250 }, { rateLimits: true, timeScale: 0.01 });
    const statuses: number[] = [];
    let max = '';
    for (let i = 0; i < 251; i++) {
      const res = await hs.fetch('/crm/v3/owners/');
      if (i === 0) max = res.headers.get('x-hubspot-ratelimit-max') ?? '';
      statuses.push(res.status);
    }
    expect(max).toBe('250');
    expect(statuses.filter((s) => s === 200)).toHaveLength(250);
    expect(statuses[250]).toBe(429);
  });

  it('counts the day: past a small daily limit (seed dailyLimit) every call is 429 DAILY until the next UTC day', async () => {
    hs = await startHubspot({ ...testSeed(1), dailyLimit: 3 }, { rateLimits: true });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await hs.fetch('/crm/v3/objects/companies');
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-hubspot-ratelimit-daily-remaining') ?? '');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await hs.fetch('/crm/v3/objects/companies/search', { method: 'POST', body: {} });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');
    expect(await limited.json()).toMatchObject({ errorType: 'RATE_LIMIT', policyName: 'DAILY' });

    hs.clock.ms += 24 * 3600_000;
    expect((await hs.fetch('/crm/v3/objects/companies')).status).toBe(200);
    await fetch(`${hs.server.url}/__sandbox/reset`, { method: 'POST' });
    for (let i = 0; i < 3; i++) expect((await hs.fetch('/crm/v3/owners/')).status).toBe(200);
    expect((await hs.fetch('/crm/v3/owners/')).status).toBe(429);
  });
});
