import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import type { RoleFieldMapping } from '../domain/connector.ts';
import { SYSTEMS, type SystemId } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import { canonicalEmail } from './canonical-email.ts';
import { type RawConfig, rawConfigSchema } from './schema.ts';
import { type MissingReference, resolveReferences } from './secret-refs.ts';
import type { Limit, LinkRule, Policy, RoleConfig, SpocConfig, SystemsConfig } from './types.ts';
import { urlProblems } from './url-checks.ts';
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

/** Reads, validates and resolves a config file. Throws ConfigError (kind `config`). */
export function loadConfig(file: string, env: Env = process.env): SpocConfig {
  const absolute = resolve(file);
  return parseConfig(readConfigText(absolute), absolute, env);
}

/** Validates config text. `file` is used for messages and to resolve relative paths. */
export function parseConfig(text: string, file: string, env: Env = process.env): SpocConfig {
  return parse(text, file, env, false).config;
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
export function loadConfigOffline(file: string, env: Env = process.env): OfflineConfig {
  const absolute = resolve(file);
  return parse(readConfigText(absolute), absolute, env, true);
}

function readConfigText(absolute: string): string {
  try {
    return readFileSync(absolute, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    throw new ConfigError([{ file: absolute, line: 0, col: 0, path: '', message: reason }]);
  }
}

function parse(text: string, file: string, env: Env, offline: boolean): OfflineConfig {
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

  const parsed = rawConfigSchema.safeParse(source.value);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap((i) => zodProblems(i, locate)));

  const raw = parsed.data;
  const crossProblems = crossCheck(raw).map(([path, message]) => locate(path, message));
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
  for (const [path, message] of urlProblems(resolved, (p) => unresolved.has(p.join('.'))))
    problems.push(locate(path, message));
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    config: normalise(resolved, file),
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
function crossCheck(raw: RawConfig): [Path, string][] {
  const problems: [Path, string][] = [];
  const enabled = new Set(Object.keys(raw.systems));
  const needSystem = (path: Path, system: string, what: string) => {
    if (!enabled.has(system)) problems.push([path, `${what} names ${system}, which is not configured under systems`]);
  };

  raw.accounts.link.forEach((rule, i) => {
    if (rule === 'domain') return;
    for (const system of Object.keys(rule.xref)) needSystem(['accounts', 'link', i, 'xref', system], system, 'xref');
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
    if (role.cascade?.openTickets && !withField.has('zendesk'))
      problems.push([[...base, 'cascade', 'openTickets'], 'open-ticket handover needs a zendesk field for this role']);
    if (role.cascade?.contacts && !withField.has('hubspot') && !withField.has('salesforce'))
      problems.push([[...base, 'cascade', 'contacts'], 'contact cascade needs a hubspot or salesforce field']);
  }

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

function normalise(raw: RawConfig, file: string): SpocConfig {
  const systems: SystemsConfig = {};
  const s = raw.systems;
  if (s.hubspot) {
    systems.hubspot = {
      accessToken: s.hubspot.accessToken,
      baseUrl: s.hubspot.baseUrl?.replace(/\/+$/, ''),
      ...(s.hubspot.portalId === undefined ? {} : { portalId: s.hubspot.portalId }),
      rateLimit: { perTenSeconds: 190, searchPerSecond: 5, ...s.hubspot.rateLimit },
    };
  }
  if (s.salesforce) {
    systems.salesforce = {
      instanceUrl: s.salesforce.instanceUrl.replace(/\/+$/, ''),
      apiVersion: s.salesforce.apiVersion,
      accessToken: s.salesforce.accessToken,
      refreshToken: s.salesforce.refreshToken,
      clientId: s.salesforce.clientId,
      clientSecret: s.salesforce.clientSecret,
      loginUrl: (s.salesforce.loginUrl ?? 'https://login.salesforce.com').replace(/\/+$/, ''),
      dailyApiShare: s.salesforce.dailyApiShare,
    };
  }
  if (s.zendesk) {
    systems.zendesk = {
      baseUrl: (s.zendesk.baseUrl ?? `https://${s.zendesk.subdomain}.zendesk.com/api/v2`).replace(/\/+$/, ''),
      email: s.zendesk.email,
      apiToken: s.zendesk.apiToken,
      oauthToken: s.zendesk.oauthToken,
      rateLimit: { perMinute: 700, ...s.zendesk.rateLimit },
    };
  }

  const aliases: Record<string, string> = {};
  for (const [primary, list] of Object.entries(raw.people.aliases)) {
    for (const alias of list) aliases[canonicalEmail(alias)] = canonicalEmail(primary);
  }

  const link: LinkRule[] = raw.accounts.link.map((rule) =>
    rule === 'domain' ? { kind: 'domain' } : { kind: 'xref', fields: definedOnly(rule.xref) },
  );

  const roles: RoleConfig[] = Object.entries(raw.roles).map(([name, r]) => {
    const fields: Partial<Record<SystemId, RoleFieldMapping>> = {};
    if (r.fields.hubspot) fields.hubspot = { field: r.fields.hubspot.property, value: 'id' };
    if (r.fields.salesforce) fields.salesforce = { field: r.fields.salesforce.field, value: 'id' };
    if (r.fields.zendesk)
      fields.zendesk = { field: r.fields.zendesk.field, value: r.fields.zendesk.value === 'email' ? 'email' : 'id' };
    const roleSystems = SYSTEMS.filter((x) => fields[x] !== undefined);
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
    enabledSystems: SYSTEMS.filter((x) => systems[x] !== undefined),
    aliases,
    peopleRefreshMs: raw.people.refreshMinutes * 60_000,
    link,
    roles,
    safety: { maxChanges: limit(raw.safety.maxChanges), maxCascade: limit(raw.safety.maxCascade) },
    schedule: raw.schedule,
    statePath: resolve(dirname(file), raw.state.sqlite),
  };
}

function definedOnly<T>(record: Partial<Record<SystemId, T | undefined>>): Partial<Record<SystemId, T>> {
  const out: Partial<Record<SystemId, T>> = {};
  for (const system of SYSTEMS) {
    const value = record[system];
    if (value !== undefined) out[system] = value;
  }
  return out;
}
