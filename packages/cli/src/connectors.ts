import type { Connector, ConnectorContext, RoleFieldMapping, SpocConfig, SystemId } from '@spoc/core';
import { createHubspotConnector } from '@spoc/hubspot';
import { createSalesforceConnector } from '@spoc/salesforce';
import { createZendeskConnector } from '@spoc/zendesk';
import type { Logger } from 'pino';

/** One connector per configured system, each told only its own fields. */
export function createConnectors(config: SpocConfig, logger: Logger): Connector[] {
  return config.enabledSystems.map((system) => {
    const ctx = contextFor(config, system, logger);
    const { hubspot, salesforce, zendesk } = config.systems;
    if (system === 'hubspot' && hubspot) {
      // check() then also proves the contact scopes the cascade needs.
      const contactCascade = config.roles.some((r) => r.cascade.contacts && r.fields.hubspot);
      return createHubspotConnector(hubspot, ctx, { contactCascade });
    }
    if (system === 'salesforce' && salesforce) {
      const contactCascade = config.roles.some((r) => r.cascade.contacts && r.fields.salesforce);
      return createSalesforceConnector(salesforce, ctx, { contactCascade });
    }
    if (system === 'zendesk' && zendesk) return createZendeskConnector(zendesk, ctx);
    throw new Error(`no connector for ${system}`);
  });
}

function contextFor(config: SpocConfig, system: SystemId, logger: Logger): ConnectorContext {
  const roles: Record<string, RoleFieldMapping> = {};
  for (const role of config.roles) {
    const field = role.fields[system];
    if (field) roles[role.name] = field;
  }
  const xrefFields = [
    ...new Set(
      config.link.flatMap((rule) => (rule.kind === 'xref' && rule.fields[system] ? [rule.fields[system]] : [])),
    ),
  ];
  return { logger: logger.child({ system }), roles, xrefFields };
}
