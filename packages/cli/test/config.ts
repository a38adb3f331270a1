import { loadConfig as load, parseConfig as parse, type SpocConfig } from '@spoc/core';
import { REGISTRY } from '../src/registry.ts';

// The config as the CLI loads it: core's loader with the registered systems.

type Env = Record<string, string | undefined>;

export const loadConfig = (file: string, env?: Env) => load(file, REGISTRY, env);

export const parseConfig = (text: string, file: string, env?: Env) => parse(text, file, REGISTRY, env);

/** A system's settings, to read in assertions. */
export const settingsOf = (config: SpocConfig, system: string) =>
  (config.systems[system]?.settings ?? {}) as Record<string, unknown>;

/** The smallest valid config: two systems (tokens from HUBSPOT_TOKEN, SF_TOKEN), one role. */
export const MINIMAL_CONFIG = `version: 1
systems:
  hubspot:
    accessToken: \${HUBSPOT_TOKEN}
  salesforce:
    instanceUrl: https://acme.my.salesforce.com
    accessToken: \${SF_TOKEN}
roles:
  account_owner:
    fields:
      hubspot: { object: company, property: hubspot_owner_id }
      salesforce: { object: Account, field: OwnerId }
    policy: { authority: salesforce }
`;
