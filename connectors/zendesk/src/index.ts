// @spoc/zendesk: the Zendesk connector (node-zendesk).

export type { ZendeskConnectorOptions } from './zendesk-connector.ts';
export { createZendeskConnector } from './zendesk-connector.ts';
