// @spoc/salesforce/emulator: the Salesforce REST API (OAuth, SOQL, describe, sObject rows and collections) with its daily allocation and error bodies, for the sandbox.
import type { EmulatorDefinition, SalesforceSeed } from '@spoc/sandbox/kit';
import { createSalesforceApp } from './app.ts';
import { SALESFORCE_BEHAVIOURS } from './org-behaviours.ts';

/** The Salesforce emulator as it registers with the sandbox: its part of a seed is a SalesforceSeed. */
export const salesforceEmulator: EmulatorDefinition<'salesforce'> = {
  id: 'salesforce',
  behaviours: SALESFORCE_BEHAVIOURS,
  create: (seed, context) => createSalesforceApp(seed as SalesforceSeed | undefined, context),
};
