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

/** `systems.freshdesk` once validated and resolved: what the connector is built from. */
export interface FreshdeskSettings {
  /** The account's root, without /api/v2 (https://acme.freshdesk.com, or the sandbox's URL). */
  baseUrl: string;
  apiKey: string;
  rateLimit: { perMinute: number };
}

/**
 * Growth plan's 200 requests a minute: the lowest paid plan with the API, so a default
 * that never earns a 429 (Pro 400, Enterprise 700: set `rateLimit.perMinute` to the plan's).
 * https://developers.freshdesk.com/api/#ratelimit
 */
export const DEFAULT_PER_MINUTE = 200;

export const freshdeskConfigSchema = z
  .strictObject({
    domain: z.string().min(1).optional().describe('acme for acme.freshdesk.com (may use ${VAR})'),
    baseUrl: url.optional().describe('Account root, e.g. https://acme.freshdesk.com; overrides domain (the sandbox)'),
    allowInsecureHttp,
    apiKey: secret.describe("An agent's API key (sent as Basic apiKey:X)"),
    rateLimit: z.strictObject({ perMinute: positiveInt.default(DEFAULT_PER_MINUTE) }).optional(),
  })
  .refine((s) => s.domain !== undefined || s.baseUrl !== undefined, { message: 'needs domain or baseUrl' })
  .describe('Freshdesk account');

type Raw = z.output<typeof freshdeskConfigSchema>;

export function freshdeskSettings(resolved: unknown, report: SettingsReport): FreshdeskSettings {
  const raw = resolved as Raw;
  if (raw.baseUrl !== undefined) {
    const problem = urlProblem(raw.baseUrl, raw.allowInsecureHttp);
    if (problem) report(['baseUrl'], problem);
  }
  if (raw.domain !== undefined) {
    // It becomes a host name: `evil.example/x?` would send the credentials elsewhere.
    const problem = hostLabelProblem(raw.domain, 'domain', 'acme for acme.freshdesk.com');
    if (problem) report(['domain'], problem);
  }
  const root = raw.baseUrl ?? `https://${raw.domain}.freshdesk.com`;
  return {
    // Written with /api/v2 or a trailing slash, it means the same account.
    baseUrl: root.replace(/\/+$/, '').replace(/\/api\/v2$/, ''),
    apiKey: raw.apiKey,
    rateLimit: { perMinute: DEFAULT_PER_MINUTE, ...raw.rateLimit },
  };
}

/** The key, the `apiKey:X` pair sent as Basic credentials, and that pair as it travels (base64). */
export function freshdeskSecrets(s: FreshdeskSettings): string[] {
  const pair = `${s.apiKey}:X`;
  return [s.apiKey, pair, Buffer.from(pair).toString('base64')];
}

/**
 * `roles.<r>.fields.freshdesk`: a custom company field holding the POC, either text
 * holding an email (`email`) or a dropdown whose choices name agents (`agent_dropdown`:
 * a choice is an agent's email, or their full name; see dropdown.ts).
 */
export const freshdeskRoleField = z.strictObject({
  object: z.literal('company'),
  field: fieldName.describe('company field name (custom_fields key)'),
  value: z
    .enum(['email', 'agent_dropdown'])
    .default('email')
    .describe('text holding an email, or a dropdown whose choices are agents (their email or full name)'),
});

export type FreshdeskRoleField = z.output<typeof freshdeskRoleField>;
