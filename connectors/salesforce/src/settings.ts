import { allowInsecureHttp, fieldName, type SettingsReport, secret, url, urlProblem } from '@spoc/core/connector';
import { z } from 'zod';

/** `systems.salesforce` once validated and resolved: what the connector is built from. */
export interface SalesforceSettings {
  /** Without a trailing slash. */
  instanceUrl: string;
  apiVersion: string;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** OAuth host, without a trailing slash. */
  loginUrl: string;
  dailyApiShare: number;
}

export const salesforceConfigSchema = z
  .strictObject({
    instanceUrl: url.describe('https://yourorg.my.salesforce.com'),
    apiVersion: z
      .string()
      .regex(/^\d+\.0$/, { message: 'must look like 62.0' })
      .default('62.0'),
    accessToken: secret.optional(),
    refreshToken: secret.optional(),
    clientId: z.string().min(1).optional(),
    clientSecret: secret.optional(),
    loginUrl: url
      .optional()
      .describe('OAuth host for refresh/client-credentials; default https://login.salesforce.com'),
    allowInsecureHttp,
    dailyApiShare: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('Stop before spoc has used this share of the org daily API allocation'),
  })
  .refine((s) => s.accessToken !== undefined || s.refreshToken !== undefined || s.clientSecret !== undefined, {
    message: 'needs accessToken, or refreshToken/clientSecret with clientId for OAuth',
  })
  .refine((s) => (s.refreshToken === undefined && s.clientSecret === undefined) || s.clientId !== undefined, {
    message: 'OAuth refresh or client-credentials needs clientId',
    path: ['clientId'],
  })
  .describe('Salesforce org');

type Raw = z.output<typeof salesforceConfigSchema>;

export function salesforceSettings(resolved: unknown, report: SettingsReport): SalesforceSettings {
  const raw = resolved as Raw;
  for (const key of ['instanceUrl', 'loginUrl'] as const) {
    const value = raw[key];
    const problem = value === undefined ? undefined : urlProblem(value, raw.allowInsecureHttp);
    if (problem) report([key], problem);
  }
  return {
    instanceUrl: raw.instanceUrl.replace(/\/+$/, ''),
    apiVersion: raw.apiVersion,
    accessToken: raw.accessToken,
    refreshToken: raw.refreshToken,
    clientId: raw.clientId,
    clientSecret: raw.clientSecret,
    loginUrl: (raw.loginUrl ?? 'https://login.salesforce.com').replace(/\/+$/, ''),
    dailyApiShare: raw.dailyApiShare,
  };
}

/** Everything sent as a credential: tokens, the client secret, and the Basic pair of client credentials. */
export function salesforceSecrets(s: SalesforceSettings): string[] {
  const secrets = [s.accessToken, s.refreshToken, s.clientSecret].filter((x): x is string => x !== undefined);
  if (s.clientId && s.clientSecret) secrets.push(`${s.clientId}:${s.clientSecret}`);
  return secrets;
}

/** `roles.<r>.fields.salesforce`: OwnerId or a User lookup on Account. */
export const salesforceRoleField = z.strictObject({
  object: z.literal('Account'),
  field: fieldName.describe('Account field holding a User id: OwnerId or a User lookup such as CSM__c'),
});
