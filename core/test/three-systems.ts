import { testSystems } from '../src/testing/memory-definitions.ts';

// The three systems core's engine tests name, as their definitions would declare them.
export const SYSTEMS = ['hubspot', 'salesforce', 'zendesk'] as const;
export const SYSTEMS_CONFIG = {
  ...testSystems(SYSTEMS, {
    hubspot: { cascades: ['contacts'] },
    salesforce: {
      cascades: ['contacts'],
      // Salesforce ids compare equal in 15 and 18 characters (its connector folds them).
      normaliseReference: (v: string) => (/^[a-zA-Z0-9]{18}$/.test(v) ? v.slice(0, 15) : v),
    },
    zendesk: { cascades: ['openTickets'] },
  }),
  keyOrder: ['salesforce', 'hubspot', 'zendesk'],
};
