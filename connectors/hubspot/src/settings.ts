import {
  allowInsecureHttp,
  fieldName,
  positiveInt,
  type SettingsReport,
  secret,
  url,
  urlProblem,
} from '@spoc/core/connector';
import { z } from 'zod';

/** `systems.hubspot` once validated and resolved: what the connector is built from. */
export interface HubspotSettings {
  accessToken: string;
  /** API base without a trailing slash; undefined = https://api.hubapi.com. */
  baseUrl: string | undefined;
  /** For links to records in HubSpot's UI. */
  portalId?: number;
  rateLimit: { perTenSeconds: number; searchPerSecond: number };
}

export const hubspotConfigSchema = z
  .strictObject({
    accessToken: secret.describe('Private-app access token'),
    baseUrl: url.optional().describe('API base URL; defaults to https://api.hubapi.com (set it for the sandbox)'),
    portalId: positiveInt.optional().describe('HubSpot account (portal) id, for the console to link to records'),
    allowInsecureHttp,
    rateLimit: z
      .strictObject({
        perTenSeconds: positiveInt
          .default(190)
          .describe('Requests per 10 s (100 on Free/Starter, 190 on Pro/Enterprise)'),
        searchPerSecond: positiveInt.default(5).describe('Search requests per second'),
      })
      .optional(),
  })
  .describe('HubSpot private app');

type Raw = z.output<typeof hubspotConfigSchema>;

export function hubspotSettings(resolved: unknown, report: SettingsReport): HubspotSettings {
  const raw = resolved as Raw;
  if (raw.baseUrl !== undefined) {
    const problem = urlProblem(raw.baseUrl, raw.allowInsecureHttp);
    if (problem) report(['baseUrl'], problem);
  }
  return {
    accessToken: raw.accessToken,
    baseUrl: raw.baseUrl?.replace(/\/+$/, ''),
    ...(raw.portalId === undefined ? {} : { portalId: raw.portalId }),
    rateLimit: { perTenSeconds: 190, searchPerSecond: 5, ...raw.rateLimit },
  };
}

/** `roles.<r>.fields.hubspot`: a company property holding an owner id. */
export const hubspotRoleField = z.strictObject({
  object: z.literal('company'),
  property: fieldName.describe('Company property holding a HubSpot owner id, e.g. hubspot_owner_id'),
});
