// @spoc/hubspot: the HubSpot connector (@hubspot/api-client).

export type { HubspotConnectorOptions } from './hubspot-connector.ts';
export { createHubspotConnector } from './hubspot-connector.ts';
