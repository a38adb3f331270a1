import type { ConnectorContext } from '@spoc/core/connector';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { OLD_SECONDS, type RunningZendesk, STAMP, startZendesk, testSeed } from '../test/emulator.ts';
import { createZendeskConnector } from './connector.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'account_manager', value: 'id' } },
  xrefFields: [],
  cascades: [],
};

let z: RunningZendesk | undefined;
afterEach(async () => {
  await z?.close();
  z = undefined;
});

/** The connector against the running emulator, with ops@acme.test's API token. */
function connectorFor(running: RunningZendesk, options?: Parameters<typeof createZendeskConnector>[2]) {
  const settings = {
    baseUrl: running.api,
    email: 'ops@acme.test',
    apiToken: 'secret',
    oauthToken: undefined,
    rateLimit: { perMinute: 700 },
  };
  return createZendeskConnector(settings, ctx, options);
}

describe('Zendesk incremental export against the emulator', () => {
  it('a mass update of 1,500 organizations in one second is read whole and the cursor moves past it', async () => {
    const seed = testSeed(2500);
    const massSecond = OLD_SECONDS + 100;
    // Organizations 1–1,500 were changed in the same second; the other 1,000 long before.
    seed.organizations.forEach((o, i) => {
      o.updated_at = i < 1500 ? new Date(massSecond * 1000).toISOString().replace('.000', '') : STAMP;
    });
    z = await startZendesk(seed);
    // The client paces exports 10 a minute (6 s apart); the emulator here has no limits.
    const connector = connectorFor(z, { retry: { baseDelayMs: 1, maxDelayMs: 2 }, exportPerMinute: 10_000 });
    const ids = new Set<string>();
    let cursor: string | null = null;
    for await (const page of connector.readAccounts({ since: JSON.stringify({ startTime: OLD_SECONDS + 1 }) })) {
      for (const r of page.records) ids.add(r.id);
      cursor = page.cursor;
    }
    expect(ids.size).toBe(1500);
    expect(JSON.parse(cursor ?? '')).toEqual({ startTime: massSecond + 1 });
    const requests = z.server.stats().requests;
    // Two export pages stuck on that second, the list (25 pages) for it, one export past it.
    expect(requests['GET /api/v2/incremental/organizations.json']).toBe(3);
    expect(requests['GET /api/v2/organizations.json']).toBe(25);

    // The next run starts past the mass update: one call, nothing new.
    const again = [];
    for await (const page of connector.readAccounts({ since: cursor })) again.push(...page.records);
    expect(again).toEqual([]);
  });

  it('check() and listPeople() read past the first page: 150 organization fields, 250 agents', async () => {
    const seed = testSeed(1);
    // The role field comes after 150 others, so it is on the second page of definitions.
    const fields = seed.organization_fields ?? [];
    seed.organization_fields = [
      ...Array.from({ length: 150 }, (_, i) => ({
        id: 100 + i,
        key: `f${i}`,
        type: 'text',
        title: `F${i}`,
        active: true,
      })),
      ...fields.map((f) => ({ ...f, relationship_target_type: 'zendesk/user' })),
    ];
    for (let i = 0; i < 250; i++) seed.users.push({ id: 3000 + i, email: `a${i}@acme.test`, role: 'agent' });
    z = await startZendesk(seed);
    const connector = connectorFor(z);
    expect(await connector.check()).toEqual({ ok: true, problems: [] });
    const people = [];
    for await (const page of connector.listPeople()) people.push(...page);
    expect(people).toHaveLength(253);
    expect(z.server.stats().requests['GET /api/v2/organization_fields.json']).toBe(2);
  });
});
