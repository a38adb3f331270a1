// @spoc/salesforce: the Salesforce connector (jsforce).

export type { SalesforceConnectorOptions } from './salesforce-connector.ts';
export { createSalesforceConnector } from './salesforce-connector.ts';
