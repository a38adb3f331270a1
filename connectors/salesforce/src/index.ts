// @spoc/salesforce: the Salesforce connector (jsforce).

export type { SalesforceConnectorOptions } from './salesforce-connector.ts';
export { createSalesforceConnector, DEFAULT_REQUEST_TIMEOUT_MS } from './salesforce-connector.ts';
