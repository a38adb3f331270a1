import { Cron } from 'croner';
import { z } from 'zod';
import { SYSTEMS } from '../domain/types.ts';

/**
 * The YAML config as admins write it (before secrets are resolved). Every object is
 * strict so a misspelt key is an error, not a silently ignored setting.
 * `config/spoc.schema.json` is generated from this (pnpm schema).
 */

const SECRET_REF = /^\$\{(?:[A-Za-z_][A-Za-z0-9_]*|file:[^}]+)\}$/;

/** A secret: only `${ENV_VAR}` or `${file:/path}`, never the literal value. */
const secret = z.string().regex(SECRET_REF, {
  message: 'secrets must come from the environment (${VAR}) or a file (${file:/path}), not literal text',
});

const url = z.string().min(1).describe('URL (may use ${VAR})');
/** Plain http beyond loopback sends the token in clear: allowed only when asked for. */
const allowInsecureHttp = z
  .boolean()
  .default(false)
  .describe('Allow plain http:// URLs to a host other than loopback (the credentials then travel unencrypted)');
const system = z.enum(SYSTEMS);
const email = z
  .string()
  .trim()
  .check(z.email({ message: 'must be an email address' }));

const positiveInt = z.number().int().positive();

const hubspotSystem = z
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

const salesforceSystem = z
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

const zendeskSystem = z
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

const hubspotField = z.strictObject({
  object: z.literal('company'),
  property: z.string().min(1).describe('Company property holding a HubSpot owner id, e.g. hubspot_owner_id'),
});
const salesforceField = z.strictObject({
  object: z.literal('Account'),
  field: z.string().min(1).describe('Account field holding a User id: OwnerId or a User lookup such as CSM__c'),
});
const zendeskField = z.strictObject({
  object: z.literal('organization'),
  field: z.string().min(1).describe('organization_fields key'),
  value: z.enum(['user_id', 'email']).default('user_id').describe('lookup to an agent id, or text holding an email'),
});

const policy = z.union(
  [
    z.strictObject({ authority: system }),
    z.strictObject({ priority: z.array(system).min(1) }),
    z.strictObject({
      twoWay: z.strictObject({
        tieBreak: z.enum(['priority', 'latest', 'manual']),
        priority: z.array(system).min(1).optional(),
      }),
    }),
  ],
  {
    error: () =>
      'policy must be { authority: SYSTEM }, { priority: [SYSTEM, …] } or { twoWay: { tieBreak: priority|latest|manual } }',
  },
);

const role = z.strictObject({
  fields: z
    .strictObject({
      hubspot: hubspotField.optional(),
      salesforce: salesforceField.optional(),
      zendesk: zendeskField.optional(),
    })
    .refine((f) => Object.keys(f).length > 0, { message: 'a role needs a field in at least one system' }),
  policy,
  onUnresolvable: z
    .union([z.literal('skip'), z.strictObject({ fallback: email })], {
      error: () => 'onUnresolvable must be skip or { fallback: EMAIL }',
    })
    .default('skip'),
  cascade: z
    .strictObject({
      contacts: z.boolean().default(false),
      openTickets: z.boolean().default(false),
    })
    .optional(),
});

const linkRule = z.union(
  [
    z.literal('domain'),
    z.strictObject({
      xref: z
        .strictObject({
          hubspot: z.string().min(1).optional(),
          salesforce: z.string().min(1).optional(),
          zendesk: z.string().min(1).optional(),
        })
        .refine((x) => Object.keys(x).length > 0, { message: 'xref needs at least one system field' }),
    }),
  ],
  { error: () => 'a link rule is domain or { xref: { SYSTEM: FIELD, … } }' },
);

/** A safety limit: a whole number, or a percentage from 0% to 100% (100% never refuses). */
const limit = (what: string, of: string) =>
  z.union(
    [
      z
        .number()
        .int({ message: `${what} is a whole number` })
        .nonnegative({ message: `${what} cannot be negative` }),
      z
        .string()
        .regex(/^\d+(\.\d+)?%$/, { message: `${what} is a number or a percentage such as 5%`, abort: true })
        .refine((p) => Number.parseFloat(p) <= 100, { message: `${what} is a percentage of ${of}: at most 100%` }),
    ],
    { error: () => `${what} is a number (0 or more) or a percentage of ${of} from 0% to 100%` },
  );
const maxChanges = limit('maxChanges', 'the account-roles in scope');
const maxCascade = limit('maxCascade', 'the contacts or open tickets in the system');

const cron = z.string().refine(
  (expr) => {
    try {
      new Cron(expr, { paused: true });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid cron expression' },
);

export const rawConfigSchema = z
  .strictObject({
    version: z.literal(1),
    systems: z
      .strictObject({
        hubspot: hubspotSystem.optional(),
        salesforce: salesforceSystem.optional(),
        zendesk: zendeskSystem.optional(),
      })
      .refine((s) => Object.keys(s).length > 0, { message: 'configure at least one system' }),
    people: z
      .strictObject({
        aliases: z.record(email, z.array(email)).default({}),
        refreshMinutes: z
          .number()
          .int()
          .min(0)
          .default(60)
          .describe(
            'How long the people read from each system are reused before being read again (0 = every run); a failed write or the daily full read refreshes them sooner',
          ),
      })
      .default({ aliases: {}, refreshMinutes: 60 }),
    accounts: z.strictObject({ link: z.array(linkRule).min(1) }).default({ link: ['domain'] }),
    roles: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'role names are snake_case' }), role)
      .refine((r) => Object.keys(r).length > 0, { message: 'define at least one role' }),
    safety: z
      .strictObject({
        maxChanges: maxChanges
          .default('10%')
          .describe(
            'Most account-roles a sync may re-own without --force: a number (0 = every change needs --force) or a percentage of the account-roles in scope',
          ),
        maxCascade: maxCascade
          .default('10%')
          .describe(
            'Most contacts or open tickets a sync may move after owner changes without --force: a number, or a percentage of those records in the system',
          ),
      })
      .default({ maxChanges: '10%', maxCascade: '10%' }),
    schedule: cron.optional(),
    state: z
      .strictObject({ sqlite: z.string().min(1).default('.spoc/state.db') })
      .default({ sqlite: '.spoc/state.db' }),
  })
  .describe('spoc configuration');

export type RawConfig = z.output<typeof rawConfigSchema>;
