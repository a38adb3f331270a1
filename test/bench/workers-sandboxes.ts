// `pnpm bench:workers`'s vendors, as a process of their own so their CPU is not the
// harness's event loop: one sandbox per tenant (HubSpot, Salesforce and Zendesk, the
// systems of config/spoc.demo.yaml), each from its own generated world, the vendors' rate
// limits on (so per tenant). First stdout line: a JSON array of each tenant's URLs, in
// order; stops on SIGTERM/SIGINT.
//   node test/bench/workers-sandboxes.ts --tenants 40 --accounts 2000 --seed 1
import { parseArgs } from 'node:util';
import { EMULATORS } from '@spoc/cli';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';

const SYSTEMS = ['hubspot', 'salesforce', 'zendesk'];

const { values } = parseArgs({
  options: { tenants: { type: 'string' }, accounts: { type: 'string' }, seed: { type: 'string', default: '1' } },
});
const tenants = Number(values.tenants);
const accounts = Number(values.accounts);
const firstSeed = Number(values.seed);
for (const [name, n] of Object.entries({ tenants, accounts, seed: firstSeed }))
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number`);

const emulators = EMULATORS.filter((e) => SYSTEMS.includes(e.id));
const sandboxes: Sandbox[] = [];
try {
  for (let i = 0; i < tenants; i++)
    sandboxes.push(
      await startSandbox({
        emulators,
        seed: generateSeed({ accounts, seed: firstSeed + i }),
        port: 0,
        rateLimits: true,
      }),
    );
  process.stdout.write(`${JSON.stringify(sandboxes.map((s) => s.urls))}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
} finally {
  await Promise.all(sandboxes.map((s) => s.close()));
}
