// Console at scale: a state store holding 100,000 accounts × 2 roles, and how long each
// page and API answer takes (median of 20, in-process, no network).
//   node test/bench/console.ts [--accounts 100000]
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REGISTRY } from '@spoc/cli';
import { buildConsole } from '@spoc/console';
import { type AccountRoleRow, openStore, type PersonState, parseConfig } from '@spoc/core';

const { values } = parseArgs({ options: { accounts: { type: 'string', default: '100000' } } });
const accounts = Number(values.accounts);
const path = join(mkdtempSync(join(tmpdir(), 'spoc-console-bench-')), 'state.db');
const config = parseConfig(
  `version: 1
systems:
  salesforce: { instanceUrl: "https://acme.my.salesforce.com", accessToken: "\${T}" }
  hubspot: { accessToken: "\${T}", portalId: 1 }
  zendesk: { subdomain: acme, email: ops@acme.test, apiToken: "\${T}" }
roles:
  owner:
    fields:
      hubspot: { object: company, property: hubspot_owner_id }
      salesforce: { object: Account, field: OwnerId }
      zendesk: { object: organization, field: owner, value: user_id }
    policy: { authority: salesforce }
  csm:
    fields:
      hubspot: { object: company, property: csm }
      salesforce: { object: Account, field: CSM__c }
      zendesk: { object: organization, field: csm, value: email }
    policy: { twoWay: { tieBreak: manual } }
state: { sqlite: ${path} }
`,
  'bench.yaml',
  REGISTRY,
  { T: 'bench' },
);
const SYSTEMS = config.enabledSystems;
const store = openStore(path);
const people: PersonState[] = Array.from({ length: 2000 }, (_, i) => ({
  email: `p${i}@acme.test`,
  name: `Person ${i}`,
  systems: Object.fromEntries(
    SYSTEMS.map((s) => [s, { standing: i % 50 === 0 && s === 'zendesk' ? 'inactive' : 'active', id: `${s}-${i}` }]),
  ) as PersonState['systems'],
  records: SYSTEMS.map((s) => ({ system: s, id: `${s}-${i}`, email: `p${i}@acme.test`, active: true })),
}));
const statuses = [
  'consistent',
  'consistent',
  'consistent',
  'consistent',
  'drift',
  'conflict',
  'unresolvable',
  'missing',
] as const;
function* rows(): Generator<AccountRoleRow> {
  for (let n = 0; n < accounts; n++) {
    for (const role of ['owner', 'csm']) {
      const owner = `p${(n * 7 + role.length) % 2000}@acme.test`;
      const status = statuses[(n + role.length) % statuses.length] ?? 'consistent';
      yield {
        account: `salesforce:001${String(n).padStart(12, '0')}`,
        role,
        name: `Customer ${n}`,
        status,
        decided: owner,
        detail: null,
        systems: {
          hubspot: { recordId: `${1_000_000 + n}`, owner: status === 'drift' ? 'p1@acme.test' : owner },
          salesforce: { recordId: `001${n}`, owner },
          zendesk: { recordId: `${5_000_000 + n}`, owner },
        },
        runId: 'r',
      };
    }
  }
}
let t = performance.now();
for (let run = 0; run < 20; run++)
  store.ownership.save(store.runs.start({ dryRun: false, full: false }), run === 19 ? rows() : [], people);
console.log(
  `state of ${accounts.toLocaleString('en')} accounts × 2 roles saved in ${Math.round(performance.now() - t)} ms`,
);

const app = await buildConsole({ config, store });
// Listening: without a token the console answers only to its own loopback address and port.
await app.listen({ host: '127.0.0.1', port: 0 });
const host = `127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const routes = [
  '/',
  '/api/overview',
  '/accounts',
  '/accounts?status=drift',
  '/accounts?status=conflict&role=csm&page=100',
  '/accounts?q=customer 4242',
  '/accounts?owner=p42@acme.test',
  '/accounts?owner=p42@acme.test&system=hubspot',
  `/accounts/salesforce:001${String(4242).padStart(12, '0')}`,
  '/people',
  '/people/p42@acme.test',
];
for (const url of routes) {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    t = performance.now();
    const response = await app.inject({ url, headers: { host } });
    times.push(performance.now() - t);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  }
  times.sort((a, b) => a - b);
  console.log(`${url.padEnd(48)} median ${times[10]?.toFixed(1)} ms, max ${times[19]?.toFixed(1)} ms`);
}
await app.close();
store.close();
