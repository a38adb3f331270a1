// @spoc/freshdesk/emulator: the Freshdesk API v2 (agents, companies, company fields, tickets, bulk jobs) with its limits and error bodies, for the sandbox.
import type { EmulatorDefinition } from '@spoc/sandbox/kit';
import { createFreshdeskApp } from './app.ts';
import { freshdeskSeedFrom } from './seed.ts';
import type { FreshdeskSeed } from './store.ts';

/** The Freshdesk emulator as it registers with the sandbox: its part of a seed is a FreshdeskSeed. */
export const freshdeskEmulator: EmulatorDefinition<'freshdesk'> = {
  id: 'freshdesk',
  create: (seed, context) => createFreshdeskApp(seed as FreshdeskSeed | undefined, context),
  seedFrom: freshdeskSeedFrom,
};

export { FRESHDESK_SEED_FIELDS } from './seed.ts';
export type { FreshdeskSeed } from './store.ts';
