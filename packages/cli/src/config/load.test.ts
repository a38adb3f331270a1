import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@spoc/core';
import { describe, expect, it } from 'vitest';
import { loadConfig, MINIMAL_CONFIG as minimal, parseConfig, settingsOf } from '../../test/config.ts';

const ENV = {
  HUBSPOT_TOKEN: 'hs-secret',
  SF_TOKEN: 'sf-secret',
  ZENDESK_TOKEN: 'zd-secret',
  PIPEDRIVE_TOKEN: 'pd-secret',
  FRESHDESK_API_KEY: 'fd-secret',
};

function problemsOf(text: string, env: Record<string, string> = ENV) {
  try {
    parseConfig(text, '/etc/spoc/spoc.yaml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('loadConfig', () => {
  it('loads the shipped example with secrets from the environment', () => {
    const config = loadConfig(new URL('../../../../config/spoc.example.yaml', import.meta.url).pathname, ENV);
    // Five systems, in the order the file lists them.
    expect(config.enabledSystems).toEqual(['hubspot', 'salesforce', 'pipedrive', 'zendesk', 'freshdesk']);
    expect(settingsOf(config, 'hubspot').accessToken).toBe('hs-secret');
    expect(settingsOf(config, 'zendesk').baseUrl).toBe('https://acme.zendesk.com/api/v2');
    expect(config.aliases).toEqual({ 'jane@acme.io': 'jane.doe@acme.com' });
    expect(config.link).toEqual([
      {
        kind: 'xref',
        fields: {
          hubspot: 'salesforceaccountid',
          pipedrive: 'Salesforce account ID',
          zendesk: 'external_id',
          freshdesk: 'sf_account_id',
        },
      },
      { kind: 'domain' },
    ]);
    const owner = config.roles.find((r) => r.name === 'account_owner');
    expect(owner?.policy).toEqual({ kind: 'authority', system: 'salesforce' });
    expect(owner?.fields.zendesk).toEqual({ field: 'account_manager', value: 'id' });
    expect(owner?.onUnresolvable).toEqual({ kind: 'fallback', email: 'support-lead@acme.com' });
    const csm = config.roles.find((r) => r.name === 'csm');
    expect(csm?.policy).toEqual({
      kind: 'two-way',
      tieBreak: 'latest',
      order: ['hubspot', 'salesforce', 'pipedrive', 'freshdesk'],
    });
    expect(owner?.fields.freshdesk).toEqual({ field: 'account_manager', value: 'email' });
    expect(settingsOf(config, 'freshdesk').apiKey).toBe('fd-secret');
    expect(config.safety.maxChanges).toEqual({ kind: 'percent', value: 5 });
  });

  it('applies defaults and resolves the state path next to the config file', () => {
    const config = parseConfig(minimal, '/etc/spoc/spoc.yaml', ENV);
    expect(config.statePath).toBe('/etc/spoc/.spoc/state.db');
    expect(config.safety.maxChanges).toEqual({ kind: 'percent', value: 10 });
    expect(settingsOf(config, 'hubspot').rateLimit).toEqual({ perTenSeconds: 190, searchPerSecond: 5 });
    expect(config.link).toEqual([{ kind: 'domain' }]);
    expect(config.roles[0]?.onUnresolvable).toEqual({ kind: 'skip' });
  });

  it('reads a secret from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoc-config-'));
    writeFileSync(join(dir, 'hs.token'), 'from-file\n');
    const file = join(dir, 'spoc.yaml');
    writeFileSync(file, minimal.replace('${HUBSPOT_TOKEN}', '${file:hs.token}'));
    expect(settingsOf(loadConfig(file, ENV), 'hubspot').accessToken).toBe('from-file');
  });

  it('rejects a literal token, naming line, column and path', () => {
    const problems = problemsOf(minimal.replace('${HUBSPOT_TOKEN}', 'pat-na1-1234'));
    expect(problems).toEqual([
      expect.objectContaining({
        file: '/etc/spoc/spoc.yaml',
        line: 4,
        col: 18,
        path: 'systems.hubspot.accessToken',
        message: expect.stringContaining('secrets must come from the environment'),
      }),
    ]);
  });

  it('names a missing environment variable and where it is used', () => {
    const problems = problemsOf(minimal, { HUBSPOT_TOKEN: 'x' });
    expect(problems).toEqual([
      expect.objectContaining({
        line: 7,
        path: 'systems.salesforce.accessToken',
        message: 'environment variable SF_TOKEN is not set',
      }),
    ]);
  });

  it('points an unknown key at the key itself', () => {
    const problems = problemsOf(minimal.replace('    policy:', '    colour: red\n    policy:'));
    expect(problems).toEqual([
      expect.objectContaining({
        line: 13,
        col: 5,
        path: 'roles.account_owner.colour',
        message: 'unknown key "colour"',
      }),
    ]);
  });

  it('reports a policy that names a system without a field for the role', () => {
    const problems = problemsOf(minimal.replace('{ authority: salesforce }', '{ priority: [salesforce, zendesk] }'));
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'roles.account_owner.policy.priority.1',
        message: 'zendesk has no field for role account_owner',
      }),
    ]);
  });

  it('explains an unquoted ${VAR} inside a flow map instead of echoing parser noise', () => {
    const text = minimal.replace(
      '  hubspot:\n    accessToken: ${HUBSPOT_TOKEN}',
      '  hubspot: { accessToken: ${HUBSPOT_TOKEN} }',
    );
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 3 });
    expect(problems[0]?.message).toContain('must be quoted');
  });

  it('rejects a bad cron schedule and a bad maxChanges', () => {
    const problems = problemsOf(`${minimal}schedule: "every tuesday"\nsafety: { maxChanges: lots }\n`);
    expect(problems.map((p) => p.path).sort()).toEqual(['safety.maxChanges', 'schedule']);
  });

  it('says which file is missing', () => {
    expect(() => loadConfig('/nonexistent/spoc.yaml')).toThrow(/\/nonexistent\/spoc.yaml:0:0 \(root\): file not found/);
  });
});

describe('config/spoc.schema.json', () => {
  it('is generated from the zod schema and marks secrets as references only', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../../config/spoc.schema.json', import.meta.url), 'utf8'));
    const token = schema.properties.systems.properties.hubspot.properties.accessToken;
    expect(token.pattern).toContain('\\$\\{');
    expect(schema.required).toEqual(expect.arrayContaining(['version', 'systems', 'roles']));
  });
});
