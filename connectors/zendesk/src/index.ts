// @spoc/zendesk: the Zendesk connector (node-zendesk) and its definition, the only way
// core learns about Zendesk.
import type { ConnectorDefinition } from '@spoc/core/connector';
import {
  type ZendeskSettings,
  zendeskConfigSchema,
  zendeskRoleField,
  zendeskSecrets,
  zendeskSettings,
} from './settings.ts';

export const zendesk: ConnectorDefinition<ZendeskSettings, { field: string; value: 'user_id' | 'email' }> = {
  id: 'zendesk',
  label: 'Zendesk',
  // A help desk: a CRM's record names a linked account first.
  keyRank: 30,
  config: { schema: zendeskConfigSchema, settings: zendeskSettings, secrets: zendeskSecrets },
  roleField: {
    schema: zendeskRoleField,
    kinds: ['user-lookup', 'email-text'],
    mapping: (field) => ({ field: field.field, value: field.value === 'email' ? 'email' : 'id' }),
  },
  link: { xref: true, domains: true },
  // Open tickets held by the previous POC move to the new one.
  capabilities: { cascades: ['openTickets'] },
  create: async (settings, context) => (await import('./connector.ts')).createZendeskConnector(settings, context),
  recordUrl: (settings, id) =>
    `${settings.baseUrl.replace(/\/api\/v2$/, '')}/agent/organizations/${encodeURIComponent(id)}`,
  ticketUrl: (settings, id) => `${settings.baseUrl.replace(/\/api\/v2$/, '')}/agent/tickets/${encodeURIComponent(id)}`,
};

export type { ZendeskSettings } from './settings.ts';
