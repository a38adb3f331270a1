// The five-system benchmark's sandbox, as its own process (like `spoc sandbox`, which the
// three-system run uses): a generated world seeded into every emulator (each one's
// seedFrom), Pipedrive's and Freshdesk's plan limits set to FIVE_SYSTEM_PLANS, the
// vendors' rate limits on. First stdout line: the URLs as JSON; stops on SIGTERM/SIGINT.
//   node test/bench/five-sandbox.ts --accounts 10000
import { parseArgs } from 'node:util';
import { EMULATORS } from '@spoc/cli';
import { generateSeed, startSandbox } from '@spoc/sandbox';
import { FIVE_SYSTEM_PLANS } from './model.ts';

const { values } = parseArgs({ options: { accounts: { type: 'string' } } });
const accounts = Number(values.accounts);
if (!Number.isInteger(accounts) || accounts <= 0) throw new Error(`--accounts must be a positive whole number`);

const seed = generateSeed({ accounts }, EMULATORS);
/** A seed the emulator's seedFrom made: present, since every emulator listed builds its own. */
const vendorSeed = (id: 'pipedrive' | 'freshdesk') => {
  const s = seed[id];
  if (typeof s !== 'object' || s === null) throw new Error(`no generated ${id} seed`);
  return s as Record<string, unknown>;
};
// The plan's limits, read by the emulators from their seeds (connectors/<id>/emulator).
vendorSeed('pipedrive').burstLimit = FIVE_SYSTEM_PLANS.pipedrive.perTwoSeconds;
vendorSeed('freshdesk').rateLimitPerMinute = FIVE_SYSTEM_PLANS.freshdesk.perMinute;

const sandbox = await startSandbox({ emulators: EMULATORS, seed, port: 0, rateLimits: true });
process.stdout.write(`${JSON.stringify(sandbox.urls)}\n`);
await new Promise<void>((resolve) => {
  process.once('SIGINT', () => resolve());
  process.once('SIGTERM', () => resolve());
});
await sandbox.close();
