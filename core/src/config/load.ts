import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { RoleFieldMapping } from '../domain/connector.ts';
import { SYSTEMS, type SystemId } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import { canonicalEmail } from './canonical-email.ts';
import { type RawConfig, rawConfigSchema } from './schema.ts';
import type { Limit, LinkRule, Policy, RoleConfig, SpocConfig, SystemsConfig } from './types.ts';

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
    super('config', 'CONFIG_INVALID', problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '(root)'}: ${p.message}`;
}

type Env = Record<string, string | undefined>;
type Path = (string | number)[];

/** Reads, validates and resolves a config file. Throws ConfigError (kind `config`). */
export function loadConfig(file: string, env: Env = process.env): SpocConfig {
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    throw new ConfigError([{ file: absolute, line: 0, col: 0, path: '', message: reason }]);
  }
  return parseConfig(text, absolute, env);
}

/** Validates config text. `file` is used for messages and to resolve relative paths. */
export function parseConfig(text: string, file: string, env: Env = process.env): SpocConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number) => lineCounter.linePos(offset);

  const syntaxError = doc.errors[0];
  if (syntaxError) {
    // Later syntax errors are mostly echoes of the first one: report that one only.
    const { line, col } = at(syntaxError.pos[0]);
    let message = `YAML syntax: ${syntaxError.message.split('\n')[0]}`;
    if (text.split('\n')[line - 1]?.includes('${'))
      message += ' (inside { … } a ${VAR} reference must be quoted: "${VAR}")';
    throw new ConfigError([{ file, line, col, path: '', message }]);
  }

  const locate = (path: Path, message: string, atKey = false): ConfigProblem => {
    const offset = offsetOf(doc.contents, path, atKey);
    const { line, col } = at(offset);
    return { file, line, col, path: path.join('.'), message };
  };

  const parsed = rawConfigSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new ConfigError(parsed.error.issues.flatMap((i) => zodProblems(i, locate)));

  const raw = parsed.data;
  const crossProblems = crossCheck(raw).map(([path, message]) => locate(path, message));
  if (crossProblems.length > 0) throw new ConfigError(crossProblems);

  const resolveProblems: ConfigProblem[] = [];
  const resolved = resolveReferences(raw, [], env, dirname(file), (path, message) =>
    resolveProblems.push(locate(path, message)),
  ) as RawConfig;
  if (resolveProblems.length > 0) throw new ConfigError(resolveProblems);

  return normalise(resolved, file);
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

/** Offset of the node at `path` (or of its key), else of the nearest ancestor. */
function offsetOf(root: unknown, path: Path, atKey: boolean): number {
  let node = root as Node | null;
  let best = (node as Node | null)?.range?.[0] ?? 0;
  for (const [depth, segment] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return best;
      best = (pair.key as Node).range?.[0] ?? best;
      if (atKey && depth === path.length - 1) return best;
      node = pair.value as Node | null;
      if (node?.range) best = node.range[0];
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | null;
      if (!node?.range) return best;
      best = node.range[0];
    } else {
      return best;
    }
  }
  return best;
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

const REFERENCE = /\$\{([^}]+)\}/g;

/** Replaces `${VAR}` and `${file:PATH}` in every string; reports what cannot be resolved. */
function resolveReferences(
  value: unknown,
  path: Path,
  env: Env,
  baseDir: string,
  report: (path: Path, message: string) => void,
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_match, ref: string) => {
      if (ref.startsWith('file:')) {
        const target = resolve(baseDir, ref.slice(5));
        try {
          return readFileSync(target, 'utf8').trim();
        } catch {
          report(path, `cannot read secret file ${target}`);
          return '';
        }
      }
      const found = env[ref];
      if (found === undefined || found === '') {
        report(path, `environment variable ${ref} is not set`);
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveReferences(v, [...path, i], env, baseDir, report));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, resolveReferences(v, [...path, k], env, baseDir, report)]),
    );
  }
  return value;
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
