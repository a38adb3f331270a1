/**
 * The config YAML of a world of three MemoryConnector vendors (see memoryRegistry): one
 * `owner` role held by id everywhere, `crm` deciding, `marketing` and `helpdesk` linked to
 * it by a `crmid` cross-reference. `extra` is top-level YAML to add (e.g. a `people:`
 * section); the tokens come from `${T}`.
 */
export function memoryWorldYaml(statePath: string, extra = ''): string {
  return `
version: 1
systems:
  marketing: { token: "\${T}" }
  crm: { token: "\${T}" }
  helpdesk: { token: "\${T}" }
${extra}
accounts:
  link: [{ xref: { marketing: crmid, helpdesk: crmid } }]
roles:
  owner:
    fields:
      marketing: { field: owner }
      crm: { field: owner }
      helpdesk: { field: owner }
    policy: { authority: crm }
state: { sqlite: ${statePath} }
`;
}
