// @spoc/hubspot/emulator: HubSpot CRM v3 (owners, companies, contacts, properties, search, batch updates) with its limits and error bodies, for the sandbox.
import type { EmulatorDefinition, HubspotSeed } from '@spoc/sandbox/kit';
import { createHubspotApp } from './app.ts';
import { HUBSPOT_BEHAVIOURS } from './behaviours.ts';

/** The HubSpot emulator as it registers with the sandbox: its part of a seed is a HubspotSeed. */
export const hubspotEmulator: EmulatorDefinition<'hubspot'> = {
  id: 'hubspot',
  create: (seed, context) => createHubspotApp(seed as HubspotSeed | undefined, context),
  behaviours: HUBSPOT_BEHAVIOURS,
};
