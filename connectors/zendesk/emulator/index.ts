// @spoc/zendesk/emulator: the Zendesk Support API v2 (users, organizations, the incremental export, tickets, bulk jobs) with its limits and error bodies, for the sandbox.
import type { EmulatorDefinition, ZendeskSeed } from '@spoc/sandbox/kit';
import { createZendeskApp } from './app.ts';
import { ZENDESK_BEHAVIOURS } from './behaviours.ts';

/** The Zendesk emulator as it registers with the sandbox: its part of a seed is a ZendeskSeed. */
export const zendeskEmulator: EmulatorDefinition<'zendesk'> = {
  id: 'zendesk',
  behaviours: ZENDESK_BEHAVIOURS,
  create: (seed, context) => createZendeskApp(seed as ZendeskSeed | undefined, context),
};
