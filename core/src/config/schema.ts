import { Cron } from 'croner';
import { z } from 'zod';
import type { ConnectorDefinition } from '../registry/definition.ts';
import type { Registry } from '../registry/registry.ts';
import { email, fieldName, secret, url } from './kit.ts';

/**
 * The YAML config as admins write it (before secrets are resolved). Every object is
 * strict so a misspelt key is an error, not a silently ignored setting.
 * `config/spoc.schema.json` is generated from this (pnpm schema).
 */

/** The config schema for the systems a registry knows, built once per registry. */
export function configSchema(registry: Registry) {
  let schema = built.get(registry);
  if (!schema) {
    schema = buildSchema(registry);
    built.set(registry, schema);
  }
  return schema;
}

const built = new WeakMap<Registry, ReturnType<typeof buildSchema>>();

function buildSchema(registry: Registry) {
  const ids = registry.definitions.map((d) => d.id);
  const system = z.enum(ids as [string, ...string[]], {
    error: () => `a system is one of ${ids.join(', ')}`,
  });
  const perSystem = (schemaOf: (d: ConnectorDefinition) => z.ZodType | null) =>
    z.strictObject(
      Object.fromEntries(
        registry.definitions.flatMap((d) => {
          const s = schemaOf(d);
          return s ? [[d.id, s.optional()]] : [];
        }),
      ),
    );

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
    fields: perSystem((d) => d.roleField.schema.describe(`Where the role lives in ${d.label}`)).refine(
      (f) => Object.keys(f).length > 0,
      { message: 'a role needs a field in at least one system' },
    ),
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
        xref: perSystem((d) =>
          d.link.xref ? fieldName.describe(`${d.label} field holding the cross-reference`) : null,
        ).refine((x) => Object.keys(x).length > 0, { message: 'xref needs at least one system field' }),
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

  const notify = notifySchema();

  return z
    .strictObject({
      version: z.literal(1),
      systems: perSystem((d) => d.config.schema.describe(d.label)).refine((s) => Object.keys(s).length > 0, {
        message: 'configure at least one system',
      }),
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
      accounts: z
        .strictObject({
          link: z.array(linkRule).min(1).default(['domain']),
          keyOrder: z
            .array(system)
            .min(1)
            .optional()
            .describe("Which system's record id names an account that several hold (default: systems of record first)"),
        })
        .default({ link: ['domain'] }),
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
      tenant: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,47}$/, {
          message: 'a tenant is lower-case letters, digits and _ (starting with a letter, at most 48)',
        })
        .optional()
        .describe(
          "What keys this config's state in a Postgres database that several configs share (default: the config file's name)",
        ),
      state: z
        .strictObject({
          sqlite: z
            .string()
            .min(1)
            .optional()
            .describe('The SQLite state file (default .spoc/state.db beside the config)'),
          postgres: secret
            .optional()
            .describe('A Postgres URL (postgres://user:password@host:port/database), as ${VAR} or ${file:…}'),
          connectTimeoutSeconds: z
            .number()
            .int()
            .min(1)
            .max(300)
            .optional()
            .describe('Postgres only: how long connecting may take before the run gives up (default 10)'),
        })
        .superRefine((s, ctx) => {
          if (s.sqlite !== undefined && s.postgres !== undefined)
            ctx.addIssue({ code: 'custom', path: ['postgres'], message: 'state is sqlite or postgres, not both' });
          if (s.connectTimeoutSeconds !== undefined && s.postgres === undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['connectTimeoutSeconds'],
              message: 'connectTimeoutSeconds is for a postgres state',
            });
        })
        .default({}),
      notify: notify.optional(),
    })
    .describe('spoc configuration');
}

/**
 * `notify:` (issue 20): where handover notices and run alerts go. Each channel is Slack
 * or Teams; their credentials (the bot token, the webhook URL, which carries its own
 * signature) only as `${VAR}` / `${file:…}`, like the systems' tokens.
 */
function notifySchema() {
  const count = (what: string) =>
    z
      .number({ error: () => `${what} is a whole number (0 or more)` })
      .int({ message: `${what} is a whole number` })
      .nonnegative({ message: `${what} cannot be negative` });
  const slack = z
    .strictObject({
      token: secret.describe('The Slack bot token (xoxb-…), as ${VAR} or ${file:…}'),
      channel: z.string().min(1).describe('The channel handovers and alerts are posted to: #name or a channel id'),
      directMessages: z
        .boolean()
        .default(false)
        .describe('Also send each handover to the new and the previous POC as a direct message'),
      apiUrl: url.optional().describe('The Slack Web API base URL (default https://slack.com/api/): for the sandbox'),
    })
    .describe('Post through a Slack app (chat.postMessage)');
  const teams = z
    .strictObject({
      webhookUrl: secret.describe('The Teams incoming webhook URL (it is a credential), as ${VAR} or ${file:…}'),
    })
    .describe('Post to a Microsoft Teams channel through an incoming webhook');
  const channel = z
    .strictObject({
      name: z.string().regex(/^[a-z0-9-]+$/, { message: 'a channel name is lower-case letters, digits and dashes' }),
      slack: slack.optional(),
      teams: teams.optional(),
      events: z
        .array(z.enum(['handover', 'run'], { error: () => 'an event is handover or run' }))
        .min(1, { message: 'events needs handover, run or both' })
        .default(['handover', 'run'])
        .describe('What the channel receives: handover notices, run alerts (default both)'),
      roles: z
        .array(z.string().min(1))
        .min(1, { message: 'roles needs at least one role (leave it out for every role)' })
        .optional()
        .describe('Only handovers of these roles (default every role)'),
    })
    .superRefine((c, ctx) => {
      if (c.slack && c.teams)
        ctx.addIssue({ code: 'custom', path: ['teams'], message: 'a channel is slack or teams, not both' });
      if (!c.slack && !c.teams) ctx.addIssue({ code: 'custom', message: 'a channel needs slack: or teams:' });
    });
  return z
    .strictObject({
      consoleUrl: url
        .optional()
        .describe("The admin console's address: notices link to its run page (<consoleUrl>/runs/<id>)"),
      digestAbove: count('digestAbove')
        .default(20)
        .describe('More handovers than this in one run go to a channel (and to a person) as one digest'),
      alertOnFailuresAbove: count('alertOnFailuresAbove')
        .default(0)
        .describe('Record-level failures in a run above this raise a run alert'),
      channels: z.array(channel).default([]),
    })
    .describe('Handover notices and run alerts, to Slack or Teams');
}

/** The YAML config as validated, before secrets are resolved. */
export type RawConfig = z.output<ReturnType<typeof buildSchema>>;
