// The benchmark's sandbox, as its own process (like `spoc sandbox`): a generated world seeded
// into the emulators of `--systems` (three: HubSpot, Salesforce, Zendesk; all: the five), the
// vendors' rate limits on, each emulator on the plan the benchmark measures at that size
// (model.ts: FIVE_SYSTEM_PLANS for Pipedrive and Freshdesk in the five-system run,
// LARGE_BOOK_PLANS for HubSpot and Zendesk with `--plans large`). First stdout line: the URLs
// as JSON; stops on SIGTERM/SIGINT.
//   node test/bench/bench-sandbox.ts --accounts 10000 --systems all
//   node test/bench/bench-sandbox.ts --accounts 1000000 --systems three --plans large
import { parseArgs } from 'node:util';
import { EMULATORS } from '@spoc/cli';
import { generateSeed, startSandbox } from '@spoc/sandbox';
import { FIVE_SYSTEM_PLANS, LARGE_BOOK_PLANS } from './model.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string' },
    systems: { type: 'string', default: 'all' },
    plans: { type: 'string', default: 'default' },
  },
});
const accounts = Number(values.accounts);
if (!Number.isInteger(accounts) || accounts <= 0) throw new Error('--accounts must be a positive whole number');
if (values.systems !== 'three' && values.systems !== 'all') throw new Error('--systems is three or all');
if (values.plans !== 'default' && values.plans !== 'large') throw new Error('--plans is default or large');

const three = new Set(['hubspot', 'salesforce', 'zendesk']);
const emulators = values.systems === 'all' ? EMULATORS : EMULATORS.filter((e) => three.has(e.id));
const seed = generateSeed({ accounts }, emulators);
/** A seed the emulator's seedFrom made: present, since every emulator listed builds its own. */
const vendorSeed = (id: string) => {
  const s = seed[id as keyof typeof seed];
  if (typeof s !== 'object' || s === null) throw new Error(`no generated ${id} seed`);
  return s as Record<string, unknown>;
};
// The plans' limits, read by the emulators from their seeds (connectors/<id>/emulator).
if (values.systems === 'all') {
  vendorSeed('pipedrive').burstLimit = FIVE_SYSTEM_PLANS.pipedrive.perTwoSeconds;
  vendorSeed('freshdesk').rateLimitPerMinute = FIVE_SYSTEM_PLANS.freshdesk.perMinute;
}
if (values.plans === 'large') {
  vendorSeed('hubspot').burstLimit = LARGE_BOOK_PLANS.hubspot.perTenSeconds;
  vendorSeed('zendesk').rateLimitPerMinute = LARGE_BOOK_PLANS.zendesk.perMinute;
}

const sandbox = await startSandbox({ emulators, seed, port: 0, rateLimits: true });
process.stdout.write(`${JSON.stringify(sandbox.urls)}\n`);
await new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
await sandbox.close();
