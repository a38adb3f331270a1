import type { ConnectorContext } from '@spoc/core/connector';
import { parseFaults } from '@spoc/sandbox/kit';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNER_B, type RunningHubspot, STAMP, startHubspot, testSeed } from '../test/emulator.ts';
import { createHubspotConnector } from './connector.ts';

const ctx: ConnectorContext = {
  logger: pino({ level: 'silent' }),
  roles: { account_owner: { field: 'hubspot_owner_id', value: 'id' } },
  xrefFields: [],
  cascades: [],
};

let hs: RunningHubspot | undefined;
afterEach(async () => {
  await hs?.close();
  hs = undefined;
});

async function readSince(h: RunningHubspot, since: string) {
  const connector = createHubspotConnector(
    { accessToken: 'pat-test', baseUrl: h.server.url, rateLimit: { perTenSeconds: 190, searchPerSecond: 100 } },
    ctx,
  );
  const ids: string[] = [];
  let cursor = since;
  for await (const page of connector.readAccounts({ since })) {
    ids.push(...page.records.map((r) => r.id));
    cursor = page.cursor;
  }
  return { ids, cursor, calls: connector.stats().calls };
}

describe('incremental read while HubSpot’s search index lags (hubspot.indexLagMs)', () => {
  it('picks up in the next run a company edited just before a run and not yet searchable, each company once', async () => {
    hs = await startHubspot(testSeed(12));
    hs.faults.set(parseFaults('hubspot.indexLagMs=3000'));
    const start = JSON.stringify({ ts: Date.parse(STAMP), id: '1012' });
    // People edit ten companies in the seconds before a run.
    const companies = hs.client().crm.companies.basicApi;
    const edited = Array.from({ length: 10 }, (_, i) => String(1001 + i));
    for (const id of edited) {
      hs.clock.ms += 100;
      await companies.update(id, { properties: { hubspot_owner_id: OWNER_B } });
    }
    hs.clock.ms += 1_500;
    const first = await readSince(hs, start);
    // The index showed only some of them, and not in the order they were edited.
    expect(first.ids.length).toBeGreaterThan(0);
    expect(first.ids.length).toBeLessThan(10);
    hs.clock.ms += 60_000;
    const second = await readSince(hs, first.cursor);
    expect([...first.ids, ...second.ids].sort()).toEqual(edited);
    // Past the safety window the cursor moves on and forgets them: an idle run reads nothing, in one search.
    hs.clock.ms += 120_000;
    const third = await readSince(hs, second.cursor);
    const idle = await readSince(hs, third.cursor);
    expect(third.ids).toEqual([]);
    expect(idle).toMatchObject({ ids: [], calls: 1 });
    expect(JSON.parse(idle.cursor)).toEqual({ ts: expect.any(Number), id: '1010' });
  });
});
