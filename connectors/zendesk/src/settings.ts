import {
  allowInsecureHttp,
  email,
  fieldName,
  hostLabelProblem,
  positiveInt,
  type SettingsReport,
  secret,
  url,
  urlProblem,
} from '@spoc/core/connector';
import { z } from 'zod';

/** `systems.zendesk` once validated and resolved: what the connector is built from. */
export interface ZendeskSettings {
  /** Always ends in /api/v2. */
  baseUrl: string;
  email: string | undefined;
  apiToken: string | undefined;
  oauthToken: string | undefined;
  rateLimit: { perMinute: number };
}

export const zendeskConfigSchema = z
  .strictObject({
    subdomain: z.string().min(1).optional().describe('acme for acme.zendesk.com (may use ${VAR})'),
    baseUrl: url.optional().describe('API base ending in /api/v2; overrides subdomain (set it for the sandbox)'),
    allowInsecureHttp,
    email: email.optional().describe('Agent email for API-token auth'),
    apiToken: secret.optional(),
    oauthToken: secret.optional(),
    rateLimit: z.strictObject({ perMinute: positiveInt.default(700) }).optional(),
  })
  .refine((s) => s.subdomain !== undefined || s.baseUrl !== undefined, { message: 'needs subdomain or baseUrl' })
  .refine((s) => s.oauthToken !== undefined || (s.apiToken !== undefined && s.email !== undefined), {
    message: 'needs oauthToken, or email with apiToken',
  })
  .describe('Zendesk Support account');

type Raw = z.output<typeof zendeskConfigSchema>;

export function zendeskSettings(resolved: unknown, report: SettingsReport): ZendeskSettings {
  const raw = resolved as Raw;
  if (raw.baseUrl !== undefined) {
    const problem = urlProblem(raw.baseUrl, raw.allowInsecureHttp);
    if (problem) report(['baseUrl'], problem);
  }
  if (raw.subdomain !== undefined) {
    // It becomes a host name: `evil.example/x?` would send the credentials elsewhere.
    const problem = hostLabelProblem(raw.subdomain, 'subdomain', 'acme for acme.zendesk.com');
    if (problem) report(['subdomain'], problem);
  }
  return {
    baseUrl: (raw.baseUrl ?? `https://${raw.subdomain}.zendesk.com/api/v2`).replace(/\/+$/, ''),
    email: raw.email,
    apiToken: raw.apiToken,
    oauthToken: raw.oauthToken,
    rateLimit: { perMinute: 700, ...raw.rateLimit },
  };
}

/** Tokens, and the `email/token:apiToken` pair sent as Basic credentials. */
export function zendeskSecrets(s: ZendeskSettings): string[] {
  const secrets = [s.apiToken, s.oauthToken].filter((x): x is string => x !== undefined);
  if (s.email && s.apiToken) secrets.push(`${s.email}/token:${s.apiToken}`);
  return secrets;
}

/** `roles.<r>.fields.zendesk`: an organization field, a lookup to an agent or text holding an email. */
export const zendeskRoleField = z.strictObject({
  object: z.literal('organization'),
  field: fieldName.describe('organization_fields key'),
  value: z.enum(['user_id', 'email']).default('user_id').describe('lookup to an agent id, or text holding an email'),
});
