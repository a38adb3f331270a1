// Sandbox capacity: how long a 100,000-account seed takes to load, and how many list-page
// requests per second each emulator serves with rate limits off (16 in flight).
//   node test/bench/sandbox.ts
import { EMULATORS } from '@spoc/cli';
import { generateSeed, startSandbox } from '@spoc/sandbox';

const started = performance.now();
const sandbox = await startSandbox({
  emulators: EMULATORS,
  seed: generateSeed({ accounts: 100_000 }),
  port: 0,
  rateLimits: false,
});
console.log(`100,000-account seed generated and loaded in ${Math.round(performance.now() - started)} ms`);

const zendeskAuth = `Basic ${Buffer.from('ops@acme.test/token:bench').toString('base64')}`;
const sf = `${sandbox.urls.salesforce}/services/data/v62.0`;
const soql = (q: string) => `${sf}/query?q=${encodeURIComponent(q)}`;
const ACCOUNT_FIELDS = 'Id, Name, Website, OwnerId, CSM__c, SystemModstamp';

/** Opens a query the way the connector pages it and returns its locator id (`01g…`). */
async function openLocator(batchSize: number): Promise<string> {
  const response = await fetch(soql(`SELECT ${ACCOUNT_FIELDS} FROM Account ORDER BY SystemModstamp, Id`), {
    headers: { authorization: 'Bearer bench', 'sforce-query-options': `batchSize=${batchSize}` },
  });
  const body = (await response.json()) as { nextRecordsUrl: string };
  return (/\/query\/(.+)-\d+$/.exec(body.nextRecordsUrl) ?? [])[1] ?? '';
}

const locator200 = await openLocator(200);
const locator2000 = await openLocator(2000);
const cases: {
  name: string;
  auth: string;
  headers?: Record<string, string>;
  url: (i: number) => string;
  /** Requests to time (fewer for the slow case). */
  total?: number;
}[] = [
  {
    name: 'HubSpot companies list page (100 records)',
    auth: 'Bearer bench',
    url: (i) =>
      `${sandbox.urls.hubspot}/crm/v3/objects/companies?limit=100&after=${1_000_000 + (i % 900) * 100}&properties=hubspot_owner_id`,
  },
  {
    name: 'Zendesk organizations page (100 records)',
    auth: zendeskAuth,
    url: () => `${sandbox.urls.zendesk}/api/v2/organizations.json?page[size]=100`,
  },
  {
    name: 'Salesforce query locator page (200 records)',
    auth: 'Bearer bench',
    url: (i) => `${sf}/query/${locator200}-${200 * (1 + (i % 400))}`,
  },
  {
    name: 'Salesforce query locator page (2,000 records)',
    auth: 'Bearer bench',
    url: (i) => `${sf}/query/${locator2000}-${2000 * (1 + (i % 40))}`,
  },
  {
    name: 'Salesforce fresh query, LIMIT 100 (scans until 100 rows)',
    auth: 'Bearer bench',
    url: () => soql('SELECT Id, OwnerId FROM Account LIMIT 100'),
  },
  {
    name: "Salesforce fresh incremental query (filters and sorts all 100,000; the connector's shape)",
    auth: 'Bearer bench',
    headers: { 'sforce-query-options': 'batchSize=200' },
    total: 200,
    url: () =>
      soql(
        `SELECT ${ACCOUNT_FIELDS} FROM Account WHERE SystemModstamp > 2020-01-01T00:00:00Z ORDER BY SystemModstamp, Id`,
      ),
  },
];
for (const c of cases) {
  const total = c.total ?? 4000;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const res = await fetch(c.url(next++), { headers: { authorization: c.auth, ...c.headers } });
        if (!res.ok) throw new Error(`${c.name}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      }
    }),
  );
  console.log(`${c.name}: ${Math.round(total / ((performance.now() - t0) / 1000))} requests/s`);
}
await sandbox.close();
