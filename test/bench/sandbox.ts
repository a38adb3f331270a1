// Sandbox capacity: how long a 100,000-account seed takes to load, and how many list-page
// requests per second each emulator serves with rate limits off (16 in flight).
//   node test/bench/sandbox.ts
import { generateSeed, startSandbox } from '@spoc/sandbox';

const started = performance.now();
const sandbox = await startSandbox({ seed: generateSeed({ accounts: 100_000 }), port: 0, rateLimits: false });
console.log(`100,000-account seed generated and loaded in ${Math.round(performance.now() - started)} ms`);

const pages: Record<string, (i: number) => string> = {
  hubspot: (i) =>
    `${sandbox.urls.hubspot}/crm/v3/objects/companies?limit=100&after=${1_000_000 + (i % 900) * 100}&properties=hubspot_owner_id`,
  salesforce: () =>
    `${sandbox.urls.salesforce}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id, OwnerId FROM Account LIMIT 100')}`,
  zendesk: () => `${sandbox.urls.zendesk}/api/v2/organizations.json?page[size]=100`,
};
const auth: Record<string, string> = {
  hubspot: 'Bearer bench',
  salesforce: 'Bearer bench',
  zendesk: `Basic ${Buffer.from('ops@acme.test/token:bench').toString('base64')}`,
};
for (const [system, url] of Object.entries(pages)) {
  const total = 4000;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < total) {
        const res = await fetch(url(next++), { headers: { authorization: auth[system] ?? '' } });
        if (!res.ok) throw new Error(`${system}: ${res.status}`);
        await res.arrayBuffer();
      }
    }),
  );
  console.log(`${system}: ${Math.round(total / ((performance.now() - t0) / 1000))} list pages/s (100 records each)`);
}
await sandbox.close();
