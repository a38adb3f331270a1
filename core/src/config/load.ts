import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { z } from 'zod';
import type { RoleFieldMapping } from '../domain/connector.ts';
import type { SystemId } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import type { EnabledSystem } from '../registry/definition.ts';
import type { Registry } from '../registry/registry.ts';
import { describeUrl } from '../store/postgres/postgres-db.ts';
import { canonicalEmail } from './canonical-email.ts';
import { configSchema, type RawConfig } from './schema.ts';
import { type MissingReference, resolveReferences } from './secret-refs.ts';
import type { Limit, LinkRule, NotifyChannelConfig, NotifyConfig, Policy, RoleConfig, SpocConfig } from './types.ts';
import { urlProblem } from './url-checks.ts';
import { type Path, readYaml } from './yaml-source.ts';

export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  /** YAML path such as `roles.csm.policy`. */
  path: string;
  message: string;
}

/** A config that cannot be used; lists every problem found, each located in the file. */
export class ConfigError extends SpocError {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    // In file order, as an editor shows them.
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
    super('config', 'CONFIG_INVALID', sorted.map(formatProblem).join('\n'));
    this.problems = sorted;
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '(root)'}: ${p.message}`;
}

type Env = Record<string, string | undefined>;

/** Reads, validates and resolves a config file for the systems `registry` knows. Throws ConfigError (kind `config`). */
export function loadConfig(file: string, registry: Registry, env: Env = process.env): SpocConfig {
  const absolute = resolve(file);
  return parseConfig(readConfigText(absolute), absolute, registry, env);
}

/** Validates config text. `file` is used for messages and to resolve relative paths. */
export function parseConfig(text: string, file: string, registry: Registry, env: Env = process.env): SpocConfig {
  return parse(text, file, registry, env, false).config;
}

/** What offline validation found: a config valid but for secrets not provided here. */
export interface OfflineConfig {
  /** The config with every reference not provided left empty: for structure only, never to connect. */
  config: SpocConfig;
  /** The references not provided (unset variables, absent secret files), where they are used. */
  missing: { path: string; reference: string }[];
}

/**
 * Validates structure (schema, cross-checks, reference syntax, URLs that can be resolved)
 * where the secrets are not provided: a missing one is listed, not an error; a value that
 * is set but unusable (a FIFO, a line break in a token) still is.
 */
export function loadConfigOffline(file: string, registry: Registry, env: Env = process.env): OfflineConfig {
  const absolute = resolve(file);
  return parse(readConfigText(absolute), absolute, registry, env, true);
}

function readConfigText(absolute: string): string {
  try {
    return readFileSync(absolute, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    throw new ConfigError([{ file: absolute, line: 0, col: 0, path: '', message: reason }]);
  }
}

function parse(text: string, file: string, registry: Registry, env: Env, offline: boolean): OfflineConfig {
  const read = readYaml(text);
  if ('problems' in read) {
    throw new ConfigError(
      read.problems.map((p) => ({ file, line: p.line, col: p.col, path: p.path.join('.'), message: p.message })),
    );
  }
  const { source } = read;
  const locate = (path: Path, message: string, atKey = false): ConfigProblem => {
    const { line, col } = source.locate(path, atKey);
    return { file, line, col, path: path.join('.'), message };
  };

  const parsed = configSchema(registry).safeParse(source.value);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap((i) => zodProblems(i, locate)));

  const raw = parsed.data;
  const crossProblems = crossCheck(raw, registry).map(([path, message]) => locate(path, message));
  if (crossProblems.length > 0) throw new ConfigError(crossProblems);

  const problems: ConfigProblem[] = [];
  const missing: MissingReference[] = [];
  // Values whose reference could not be resolved: their URL check would only repeat that.
  const unresolved = new Set<string>();
  const resolved = resolveReferences(raw, [], {
    env,
    baseDir: dirname(file),
    problem: (path, message) => {
      unresolved.add(path.join('.'));
      problems.push(locate(path, message));
    },
    ...(offline
      ? {
          missing: (ref: MissingReference) => {
            unresolved.add(ref.path.join('.'));
            missing.push(ref);
          },
        }
      : {}),
  }) as RawConfig;
  // Each system's settings (defaults, URL checks) from its definition, in the config's order.
  const systems: Record<SystemId, EnabledSystem> = {};
  // The order of `systems:` as written (the parsed object follows the schema's order).
  const written = Object.keys((source.value as { systems?: object } | null)?.systems ?? {});
  for (const id of written) {
    const definition = registry.get(id);
    const value = resolved.systems[id];
    if (!definition || value === undefined) continue;
    const settings = definition.config.settings(value, (path, message) => {
      const at: Path = ['systems', id, ...path];
      if (!unresolved.has(at.join('.'))) problems.push(locate(at, message));
    });
    systems[id] = { id, label: definition.label, definition, settings };
  }
  for (const [path, message] of notifyUrlProblems(resolved.notify)) {
    if (!unresolved.has(path.join('.'))) problems.push(locate(path, message));
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    config: normalise(resolved, file, systems, registry),
    missing: missing.map((m) => ({ path: m.path.join('.'), reference: m.reference })),
  };
}

function zodProblems(
  issue: z.core.$ZodIssue,
  locate: (p: Path, m: string, atKey?: boolean) => ConfigProblem,
): ConfigProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => locate([...path, key], `unknown key "${key}"`, true));
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [locate(path, `required ${issue.expected} is missing`)];
  }
  return [locate(path, issue.message)];
}

/** Checks that need several parts of the config at once (the schema checks one value at a time). */
function crossCheck(raw: RawConfig, registry: Registry): [Path, string][] {
  const problems: [Path, string][] = [];
  const enabled = new Set(Object.keys(raw.systems));
  const needSystem = (path: Path, system: string, what: string) => {
    if (!enabled.has(system)) problems.push([path, `${what} names ${system}, which is not configured under systems`]);
  };

  raw.accounts.link.forEach((rule, i) => {
    if (rule === 'domain') return;
    for (const system of Object.keys(rule.xref)) needSystem(['accounts', 'link', i, 'xref', system], system, 'xref');
  });
  raw.accounts.keyOrder?.forEach((system, i) => {
    needSystem(['accounts', 'keyOrder', i], system, 'keyOrder');
  });

  for (const [name, role] of Object.entries(raw.roles)) {
    const base: Path = ['roles', name];
    const withField = new Set(Object.keys(role.fields));
    for (const system of withField) needSystem([...base, 'fields', system], system, 'this field');

    const policySystems: [Path, string][] = [];
    if ('authority' in role.policy) policySystems.push([[...base, 'policy', 'authority'], role.policy.authority]);
    if ('priority' in role.policy)
      role.policy.priority.forEach((s, i) => {
        policySystems.push([[...base, 'policy', 'priority', i], s]);
      });
    if ('twoWay' in role.policy) {
      const tw = role.policy.twoWay;
      if (tw.tieBreak === 'priority' && tw.priority === undefined)
        problems.push([[...base, 'policy', 'twoWay'], 'tieBreak priority needs a priority list']);
      tw.priority?.forEach((s, i) => {
        policySystems.push([[...base, 'policy', 'twoWay', 'priority', i], s]);
      });
    }
    for (const [path, system] of policySystems) {
      if (!withField.has(system)) problems.push([path, `${system} has no field for role ${name}`]);
    }
    if ('priority' in role.policy && new Set(role.policy.priority).size !== role.policy.priority.length)
      problems.push([[...base, 'policy', 'priority'], 'a system is listed twice']);
    // A cascade needs a system carrying the role that can carry it out.
    for (const kind of ['contacts', 'openTickets'] as const) {
      if (!role.cascade?.[kind]) continue;
      const able = registry.definitions.filter((d) => d.capabilities.cascades.includes(kind));
      if (!able.some((d) => withField.has(d.id)))
        problems.push([
          [...base, 'cascade', kind],
          `${kind === 'contacts' ? 'the contact cascade' : 'open-ticket handover'} needs a field for this role in ${
            able.map((d) => d.id).join(' or ') || 'a system that supports it (none is registered)'
          }`,
        ]);
    }
  }

  problems.push(...notifyCrossCheck(raw));

  for (const [primary, aliases] of Object.entries(raw.people.aliases)) {
    aliases.forEach((alias, i) => {
      if (canonicalEmail(alias) === canonicalEmail(primary))
        problems.push([['people', 'aliases', primary, i], 'an alias equal to its primary address']);
      if (Object.hasOwn(raw.people.aliases, alias))
        problems.push([['people', 'aliases', primary, i], `${alias} is itself a primary address`]);
    });
  }
  return problems;
}

function normalise(
  raw: RawConfig,
  file: string,
  systems: Record<SystemId, EnabledSystem>,
  registry: Registry,
): SpocConfig {
  // The config's own order: `systems:` as written (YAML mappings keep their order).
  const enabledSystems = Object.keys(systems);

  const aliases: Record<string, string> = {};
  for (const [primary, list] of Object.entries(raw.people.aliases)) {
    for (const alias of list) aliases[canonicalEmail(alias)] = canonicalEmail(primary);
  }

  const link: LinkRule[] = raw.accounts.link.map((rule) =>
    rule === 'domain'
      ? { kind: 'domain' }
      : { kind: 'xref', fields: definedOnly(rule.xref as Record<string, string | undefined>) },
  );
  const rank = (id: SystemId) => registry.get(id)?.keyRank ?? Number.POSITIVE_INFINITY;
  const keyOrder = raw.accounts.keyOrder ?? [...enabledSystems].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));

  const roles: RoleConfig[] = Object.entries(raw.roles).map(([name, r]) => {
    const fields: Record<SystemId, RoleFieldMapping> = {};
    for (const [system, field] of Object.entries(r.fields)) {
      const definition = registry.get(system);
      if (definition && field !== undefined) fields[system] = definition.roleField.mapping(field as never);
    }
    const roleSystems = enabledSystems.filter((x) => fields[x] !== undefined);
    let policy: Policy;
    if ('authority' in r.policy) policy = { kind: 'authority', system: r.policy.authority };
    else if ('priority' in r.policy) policy = { kind: 'priority', order: r.policy.priority };
    else
      policy = {
        kind: 'two-way',
        tieBreak: r.policy.twoWay.tieBreak,
        order: r.policy.twoWay.priority ?? roleSystems,
      };
    return {
      name,
      fields,
      policy,
      onUnresolvable:
        r.onUnresolvable === 'skip'
          ? { kind: 'skip' }
          : { kind: 'fallback', email: canonicalEmail(r.onUnresolvable.fallback) },
      cascade: { contacts: r.cascade?.contacts ?? false, openTickets: r.cascade?.openTickets ?? false },
    };
  });

  const limit = (value: number | string): Limit =>
    typeof value === 'number' ? { kind: 'absolute', value } : { kind: 'percent', value: Number.parseFloat(value) };

  return {
    version: 1,
    file,
    systems,
    enabledSystems,
    keyOrder,
    aliases,
    peopleRefreshMs: raw.people.refreshMinutes * 60_000,
    link,
    roles,
    safety: { maxChanges: limit(raw.safety.maxChanges), maxCascade: limit(raw.safety.maxCascade) },
    schedule: raw.schedule,
    ...stateOf(raw, file),
    notify: notifyOf(raw.notify),
  };
}

/** Where the state is kept: SQLite beside the config by default, or the config's tenant in Postgres. */
function stateOf(raw: RawConfig, file: string): Pick<SpocConfig, 'state' | 'statePath' | 'tenant'> {
  const tenant = raw.tenant ?? tenantOf(file);
  if (raw.state.postgres === undefined) {
    const path = resolve(dirname(file), raw.state.sqlite ?? '.spoc/state.db');
    return { state: { sqlite: path }, statePath: path, tenant };
  }
  const timeout = raw.state.connectTimeoutSeconds;
  return {
    state: { postgres: raw.state.postgres, tenant, ...(timeout ? { connectTimeoutMs: timeout * 1000 } : {}) },
    statePath: `postgres ${describeUrl(raw.state.postgres)}, tenant ${tenant}`,
    tenant,
  };
}

/** A tenant id from a config file's name: `acme-prod.yaml` is acme_prod. */
export function tenantOf(file: string): string {
  const stem = basename(file)
    .replace(/\.(ya?ml|json)$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_');
  const tenant = /^[a-z]/.test(stem) ? stem : `t_${stem}`;
  return tenant.slice(0, 48);
}

/** Channel names unique (the outbox names them), and roles that are configured. */
function notifyCrossCheck(raw: RawConfig): [Path, string][] {
  const problems: [Path, string][] = [];
  const seen = new Set<string>();
  raw.notify?.channels.forEach((channel, i) => {
    if (seen.has(channel.name))
      problems.push([['notify', 'channels', i, 'name'], `another channel is named ${channel.name}`]);
    seen.add(channel.name);
    channel.roles?.forEach((role, j) => {
      if (!Object.hasOwn(raw.roles, role))
        problems.push([
          ['notify', 'channels', i, 'roles', j],
          `${role} is not a configured role (roles: ${Object.keys(raw.roles).join(', ')})`,
        ]);
    });
  });
  return problems;
}

/**
 * The notify URLs once resolved: the Slack API and the Teams webhook carry a credential,
 * so plain http only to loopback (the sandbox); the console's address is only a link.
 */
function notifyUrlProblems(notify: RawConfig['notify']): [Path, string][] {
  if (!notify) return [];
  const problems: [Path, string][] = [];
  const check = (path: Path, value: string | undefined, allowHttp: boolean) => {
    const problem = value === undefined || value === '' ? undefined : urlProblem(value, allowHttp);
    if (problem) problems.push([path, problem.replace(', or set allowInsecureHttp: true on this system', '')]);
  };
  check(['notify', 'consoleUrl'], notify.consoleUrl, true);
  notify.channels.forEach((c, i) => {
    check(['notify', 'channels', i, 'slack', 'apiUrl'], c.slack?.apiUrl, false);
    check(['notify', 'channels', i, 'teams', 'webhookUrl'], c.teams?.webhookUrl, false);
  });
  return problems;
}

function notifyOf(raw: RawConfig['notify']): NotifyConfig {
  const channels = (raw?.channels ?? []).map((c): NotifyChannelConfig => {
    const common = { name: c.name, events: [...new Set(c.events)], roles: c.roles };
    if (c.slack)
      return {
        ...common,
        kind: 'slack',
        slack: {
          token: c.slack.token,
          channel: c.slack.channel,
          directMessages: c.slack.directMessages,
          apiUrl: c.slack.apiUrl,
        },
      };
    return { ...common, kind: 'teams', teams: { webhookUrl: c.teams?.webhookUrl ?? '' } };
  });
  return {
    consoleUrl: raw?.consoleUrl?.replace(/\/+$/, ''),
    digestAbove: raw?.digestAbove ?? 20,
    alertOnFailuresAbove: raw?.alertOnFailuresAbove ?? 0,
    channels,
  };
}

function definedOnly<T>(record: Record<SystemId, T | undefined>): Record<SystemId, T> {
  const out: Record<SystemId, T> = {};
  for (const [system, value] of Object.entries(record)) if (value !== undefined) out[system] = value;
  return out;
}
