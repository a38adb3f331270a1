// @spoc/hubspot: the HubSpot connector (@hubspot/api-client).

export type { HubspotConnectorOptions } from './hubspot-connector.ts';
export { createHubspotConnector, FULL_READ_OVERLAP_MS, HUBSPOT_LIMITS } from './hubspot-connector.ts';
