// @spoc/freshdesk: the Freshdesk connector (API v2 over fetch) and its definition, the
// only way core learns about Freshdesk.
import type { ConnectorDefinition } from '@spoc/core/connector';
import {
  type FreshdeskRoleField,
  type FreshdeskSettings,
  freshdeskConfigSchema,
  freshdeskRoleField,
  freshdeskSecrets,
  freshdeskSettings,
} from './settings.ts';

export const freshdesk: ConnectorDefinition<FreshdeskSettings, FreshdeskRoleField> = {
  id: 'freshdesk',
  label: 'Freshdesk',
  // A help desk: a CRM's record names a linked account first.
  keyRank: 40,
  config: { schema: freshdeskConfigSchema, settings: freshdeskSettings, secrets: freshdeskSecrets },
  roleField: {
    schema: freshdeskRoleField,
    kinds: ['user-lookup', 'email-text'],
    // A dropdown's choice resolves to an agent, so it holds a person's id as far as core
    // is concerned (the connector maps choice ↔ agent); a text field holds an email.
    mapping: (field) => ({ field: field.field, value: field.value === 'agent_dropdown' ? 'id' : 'email' }),
  },
  link: { xref: true, domains: true },
  // Open and pending tickets held by the previous POC move to the new one.
  capabilities: { cascades: ['openTickets'] },
  create: async (settings, context) => (await import('./connector.ts')).createFreshdeskConnector(settings, context),
  recordUrl: (settings, id) => `${settings.baseUrl}/a/companies/${encodeURIComponent(id)}`,
  ticketUrl: (settings, id) => `${settings.baseUrl}/a/tickets/${encodeURIComponent(id)}`,
};

export type { FreshdeskSettings } from './settings.ts';
