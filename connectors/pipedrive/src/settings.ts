import {
  allowInsecureHttp,
  fieldName,
  hostLabelProblem,
  positiveInt,
  type SettingsReport,
  secret,
  url,
  urlProblem,
} from '@spoc/core/connector';
import { z } from 'zod';

/** `systems.pipedrive` once validated and resolved: what the connector is built from. */
export interface PipedriveSettings {
  apiToken: string;
  /** The company's root URL without a trailing slash (https://acme.pipedrive.com); the API lives below /api/v1 and /api/v2. */
  baseUrl: string;
  /** acme for acme.pipedrive.com, for links to records in Pipedrive's UI (the sandbox has none). */
  companyDomain: string | undefined;
  rateLimit: { perTwoSeconds: number };
}

export const pipedriveConfigSchema = z
  .strictObject({
    apiToken: secret.describe('Personal API token of the Pipedrive user spoc acts as'),
    companyDomain: z.string().min(1).optional().describe('acme for acme.pipedrive.com (may use ${VAR})'),
    baseUrl: url
      .optional()
      .describe('Company root URL, e.g. https://acme.pipedrive.com; overrides companyDomain (set it for the sandbox)'),
    allowInsecureHttp,
    rateLimit: z
      .strictObject({
        perTwoSeconds: positiveInt
          .default(20)
          .describe('Requests per 2-second window for this token (20 Essential … 120 Enterprise)'),
      })
      .optional(),
  })
  .refine((s) => s.companyDomain !== undefined || s.baseUrl !== undefined, {
    message: 'needs companyDomain or baseUrl',
  })
  .describe('Pipedrive company (API token)');

type Raw = z.output<typeof pipedriveConfigSchema>;

export function pipedriveSettings(resolved: unknown, report: SettingsReport): PipedriveSettings {
  const raw = resolved as Raw;
  if (raw.baseUrl !== undefined) {
    const problem = urlProblem(raw.baseUrl, raw.allowInsecureHttp);
    if (problem) report(['baseUrl'], problem);
  }
  if (raw.companyDomain !== undefined) {
    // It becomes a host name: `evil.example/x?` would send the credentials elsewhere.
    const problem = hostLabelProblem(raw.companyDomain, 'company domain', 'acme for acme.pipedrive.com');
    if (problem) report(['companyDomain'], problem);
  }
  const root = raw.baseUrl ?? `https://${raw.companyDomain}.pipedrive.com`;
  return {
    apiToken: raw.apiToken,
    // An admin may paste an API base (…/api/v2, …/v1): the connector adds the versions itself.
    baseUrl: root.replace(/\/+$/, '').replace(/(?:\/api)?\/v[12]$/, ''),
    companyDomain: raw.companyDomain,
    rateLimit: { perTwoSeconds: 20, ...raw.rateLimit },
  };
}

/** The API token: sent as the x-api-token header (never in a URL, where proxies log it). */
export function pipedriveSecrets(s: PipedriveSettings): string[] {
  return [s.apiToken];
}

/**
 * `roles.<r>.fields.pipedrive`: the organization's owner (`owner_id`) or a custom field
 * of type user, named by its label or its 40-character key (resolved at check()).
 */
export const pipedriveRoleField = z.strictObject({
  object: z.literal('organization'),
  field: fieldName.describe('owner_id, or the label or key of an organization custom field of type user'),
});
