import type { RoleFieldMapping } from '../domain/connector.ts';
import type { SystemId } from '../domain/types.ts';

/** Config after validation, secret resolution and normalisation: what the engine and runner use. */

export interface HubspotSystemConfig {
  accessToken: string;
  baseUrl: string | undefined;
  /** For links to records in HubSpot's UI. */
  portalId?: number;
  rateLimit: { perTenSeconds: number; searchPerSecond: number };
}

export interface SalesforceSystemConfig {
  instanceUrl: string;
  apiVersion: string;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  loginUrl: string;
  dailyApiShare: number;
}

export interface ZendeskSystemConfig {
  /** Always ends in /api/v2. */
  baseUrl: string;
  email: string | undefined;
  apiToken: string | undefined;
  oauthToken: string | undefined;
  rateLimit: { perMinute: number };
}

export interface SystemsConfig {
  hubspot?: HubspotSystemConfig;
  salesforce?: SalesforceSystemConfig;
  zendesk?: ZendeskSystemConfig;
}

export type Policy =
  | { kind: 'authority'; system: SystemId }
  | { kind: 'priority'; order: SystemId[] }
  | { kind: 'two-way'; tieBreak: 'priority' | 'latest' | 'manual'; order: SystemId[] };

export interface RoleConfig {
  name: string;
  /** Per system, the field holding this role. Systems absent here do not carry the role. */
  fields: Partial<Record<SystemId, RoleFieldMapping>>;
  policy: Policy;
  onUnresolvable: { kind: 'skip' } | { kind: 'fallback'; email: string };
  cascade: { contacts: boolean; openTickets: boolean };
}

/** How accounts are linked across systems, tried in order. */
export type LinkRule =
  /** Values equal across systems; a system without a field contributes its record id. */
  { kind: 'xref'; fields: Partial<Record<SystemId, string>> } | { kind: 'domain' };

/** A safety limit: a count, or a percentage (0–100) of what is in scope. */
export type Limit = { kind: 'absolute'; value: number } | { kind: 'percent'; value: number };

export interface SpocConfig {
  version: 1;
  /** The config file (absolute), for messages. */
  file: string;
  systems: SystemsConfig;
  /** Systems configured, in the fixed order hubspot, salesforce, zendesk. */
  enabledSystems: SystemId[];
  /** alias email → primary email, both canonical (trimmed, lower-cased). */
  aliases: Record<string, string>;
  /** People read from a system are reused for this long (0 = read every run). */
  peopleRefreshMs: number;
  link: LinkRule[];
  roles: RoleConfig[];
  safety: { maxChanges: Limit; maxCascade: Limit };
  schedule: string | undefined;
  /** Absolute path of the SQLite state file. */
  statePath: string;
}
