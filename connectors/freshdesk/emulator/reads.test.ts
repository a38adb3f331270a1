import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_1, companyNo, type RunningFreshdesk, startFreshdesk, testSeed } from '../test/emulator.ts';

let fd: RunningFreshdesk | undefined;
afterEach(async () => {
  await fd?.close();
  fd = undefined;
});

describe('Freshdesk emulator reads', () => {
  it('pages companies by page/per_page with a Link header to the next page, and none on the last', async () => {
    fd = await startFreshdesk(testSeed(250));
    const first = await fd.json('GET', '/api/v2/companies?per_page=100');
    expect((first.body as unknown[]).length).toBe(100);
    expect(first.headers.get('link')).toBe(`<${fd.url}/api/v2/companies?per_page=100&page=2>; rel="next"`);
    const last = await fd.json('GET', '/api/v2/companies?per_page=100&page=3');
    expect((last.body as { id: number }[]).map((c) => c.id)).toEqual(
      Array.from({ length: 50 }, (_, i) => companyNo(201 + i)),
    );
    expect(last.headers.get('link')).toBeNull();
    // Freshdesk's default page is 30; over 100 is a validation error.
    expect(((await fd.json('GET', '/api/v2/companies')).body as unknown[]).length).toBe(30);
    expect(await fd.json('GET', '/api/v2/companies?per_page=101')).toMatchObject({
      status: 400,
      body: { description: 'Validation failed', errors: [{ field: 'per_page', code: 'invalid_value' }] },
    });
  });

  it('lists agents with their contact, answers agents/me, views a company, and 404s an unknown one', async () => {
    fd = await startFreshdesk(testSeed(1));
    const agents = (await fd.json('GET', '/api/v2/agents?per_page=100')).body as { id: number; contact: object }[];
    expect(agents.map((a) => a.id)).toEqual([101, 102, 103]);
    expect(agents[2]).toMatchObject({ deactivated: true, contact: { active: false } });
    expect((await fd.json('GET', '/api/v2/agents/me')).body).toMatchObject({ id: AGENT_1 });
    expect((await fd.json('GET', `/api/v2/companies/${companyNo(1)}`)).body).toMatchObject({
      custom_fields: { csm: 'Bruno Rossi' },
    });
    expect((await fd.json('GET', '/api/v2/companies/1')).status).toBe(404);
    expect(((await fd.json('GET', '/api/v2/company_fields')).body as unknown[]).length).toBe(3);
  });

  it('lists a company’s tickets: only the last 30 days unless updated_since is given', async () => {
    fd = await startFreshdesk(testSeed(2));
    const running = fd;
    const ids = async (query: string) =>
      ((await running.json('GET', `/api/v2/tickets?${query}`)).body as { id: number }[]).map((t) => t.id).sort();
    expect(await ids(`company_id=${companyNo(1)}`)).toEqual([1, 2, 3, 4, 5]);
    expect(await ids(`company_id=${companyNo(1)}&updated_since=2000-01-01T00:00:00Z`)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(await ids(`company_id=${companyNo(2)}&updated_since=2000-01-01T00:00:00Z`)).toEqual([6]);
  });

  it('answers the filter API with a total and refuses a query not in double quotes', async () => {
    fd = await startFreshdesk(testSeed(2));
    const q = encodeURIComponent('"status:2 OR status:3"');
    expect((await fd.json('GET', `/api/v2/search/tickets?query=${q}`)).body).toMatchObject({ total: 5 });
    const held = encodeURIComponent(`"agent_id:${AGENT_1} AND (status:2 OR status:3)"`);
    expect((await fd.json('GET', `/api/v2/search/tickets?query=${held}`)).body).toMatchObject({ total: 4 });
    expect((await fd.json('GET', '/api/v2/search/tickets?query=status:2')).status).toBe(400);
  });

  it('refuses requests without a key, with Freshdesk’s 401 body', async () => {
    fd = await startFreshdesk(testSeed(1));
    const none = await fd.call('GET', '/api/v2/companies', undefined, '');
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      code: 'invalid_credentials',
      message: 'You have to be logged in to perform this action.',
    });
    const bad = await fd.call(
      'GET',
      '/api/v2/companies',
      undefined,
      `Basic ${Buffer.from('invalid:X').toString('base64')}`,
    );
    expect(bad.status).toBe(401);
  });
});
