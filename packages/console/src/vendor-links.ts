import type { SpocConfig, SystemId } from '@spoc/core';

/**
 * Where an admin opens a record in the vendor's own UI. HubSpot needs the portal id
 * (systems.hubspot.portalId); without it there is no link.
 */
export function recordUrl(config: SpocConfig, system: SystemId, id: string): string | null {
  const id_ = encodeURIComponent(id);
  if (system === 'hubspot') {
    const portal = config.systems.hubspot?.portalId;
    return portal ? `https://app.hubspot.com/contacts/${portal}/record/0-2/${id_}` : null;
  }
  if (system === 'salesforce') {
    const instance = config.systems.salesforce?.instanceUrl;
    return instance ? `${instance}/lightning/r/Account/${id_}/view` : null;
  }
  const base = config.systems.zendesk?.baseUrl;
  return base ? `${base.replace(/\/api\/v2$/, '')}/agent/organizations/${id_}` : null;
}
