// @spoc/pipedrive: the Pipedrive connector (official `pipedrive` SDK) and its definition,
// the only way core learns about Pipedrive.
import type { ConnectorDefinition } from '@spoc/core/connector';
import {
  type PipedriveSettings,
  pipedriveConfigSchema,
  pipedriveRoleField,
  pipedriveSecrets,
  pipedriveSettings,
} from './settings.ts';

export const pipedrive: ConnectorDefinition<PipedriveSettings, { object: 'organization'; field: string }> = {
  id: 'pipedrive',
  label: 'Pipedrive',
  // A CRM, after Salesforce (10) and HubSpot (20), before the help desks (30).
  keyRank: 25,
  config: { schema: pipedriveConfigSchema, settings: pipedriveSettings, secrets: pipedriveSecrets },
  roleField: {
    schema: pipedriveRoleField,
    kinds: ['owner-id', 'user-lookup'],
    mapping: (field) => ({ field: field.field, value: 'id' }),
  },
  // A custom field holding another system's id; the organization's website.
  link: { xref: true, domains: true },
  // Persons of the organization take its new owner.
  capabilities: { cascades: ['contacts'] },
  create: async (settings, context) => (await import('./connector.ts')).createPipedriveConnector(settings, context),
  recordUrl: (settings, id) =>
    settings.companyDomain
      ? `https://${settings.companyDomain}.pipedrive.com/organization/${encodeURIComponent(id)}`
      : null,
};

export type { PipedriveSettings } from './settings.ts';
