/**
 * The config YAML of a world of three MemoryConnector vendors: one `owner` role held
 * by id everywhere, Salesforce deciding, HubSpot and Zendesk linked to Salesforce by an
 * `sfid` cross-reference. `extra` is top-level YAML to add (e.g. a `people:` section);
 * the tokens come from `${T}`.
 */
export function memoryWorldYaml(statePath: string, extra = ''): string {
  return `
version: 1
systems:
  hubspot: { accessToken: "\${T}", baseUrl: "http://127.0.0.1:9" }
  salesforce: { instanceUrl: "https://acme.my.salesforce.com", accessToken: "\${T}" }
  zendesk: { baseUrl: "https://acme.zendesk.com/api/v2", email: ops@acme.test, apiToken: "\${T}" }
${extra}
accounts:
  link: [{ xref: { hubspot: sfid, zendesk: sfid } }]
roles:
  owner:
    fields:
      hubspot: { object: company, property: owner }
      salesforce: { object: Account, field: owner }
      zendesk: { object: organization, field: owner, value: user_id }
    policy: { authority: salesforce }
state: { sqlite: ${statePath} }
`;
}
