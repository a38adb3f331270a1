// @spoc/salesforce: the Salesforce connector (jsforce) and its definition, the only
// way core learns about Salesforce.
import type { ConnectorDefinition } from '@spoc/core/connector';
import { normaliseReference, referenceForms } from './id-forms.ts';
import {
  type SalesforceSettings,
  salesforceConfigSchema,
  salesforceRoleField,
  salesforceSecrets,
  salesforceSettings,
} from './settings.ts';

export const salesforce: ConnectorDefinition<SalesforceSettings, { field: string }> = {
  id: 'salesforce',
  label: 'Salesforce',
  // Usually the system of record: its Account id names a linked account.
  keyRank: 10,
  config: { schema: salesforceConfigSchema, settings: salesforceSettings, secrets: salesforceSecrets },
  roleField: {
    schema: salesforceRoleField,
    kinds: ['owner-id', 'user-lookup'],
    mapping: (field) => ({ field: field.field, value: 'id' }),
  },
  // A reference to an Account may be held in its 15- or 18-character form.
  link: { xref: true, domains: true, normaliseReference, referenceForms },
  capabilities: { cascades: ['contacts'] },
  create: async (settings, context) => (await import('./connector.ts')).createSalesforceConnector(settings, context),
  recordUrl: (settings, id) => `${settings.instanceUrl}/lightning/r/Account/${encodeURIComponent(id)}/view`,
};

export { normaliseReference, referenceForms, salesforceIdSuffix } from './id-forms.ts';
export type { SalesforceSettings } from './settings.ts';
