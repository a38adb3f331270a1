// @spoc/hubspot: the HubSpot connector (@hubspot/api-client) and its definition, the
// only way core learns about HubSpot.
import type { ConnectorDefinition } from '@spoc/core/connector';
import { type HubspotSettings, hubspotConfigSchema, hubspotRoleField, hubspotSettings } from './settings.ts';

export const hubspot: ConnectorDefinition<HubspotSettings, { property: string }> = {
  id: 'hubspot',
  label: 'HubSpot',
  // A CRM, but not usually the system of record for accounts: Salesforce names them first.
  keyRank: 20,
  config: {
    schema: hubspotConfigSchema,
    settings: hubspotSettings,
    secrets: (s) => [s.accessToken],
  },
  roleField: {
    schema: hubspotRoleField,
    kinds: ['owner-id'],
    mapping: (field) => ({ field: field.property, value: 'id' }),
  },
  link: { xref: true, domains: true },
  capabilities: { cascades: ['contacts'] },
  create: async (settings, context) => (await import('./connector.ts')).createHubspotConnector(settings, context),
  recordUrl: (settings, id) =>
    settings.portalId
      ? `https://app.hubspot.com/contacts/${settings.portalId}/record/0-2/${encodeURIComponent(id)}`
      : null,
};

export type { HubspotSettings } from './settings.ts';
