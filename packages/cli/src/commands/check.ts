import {
  buildDirectory,
  type CheckResult,
  type Connector,
  checkPostgresState,
  type NoticeChannel,
  type PersonRecord,
  type SpocConfig,
  type SystemId,
  toErrorInfo,
} from '@spoc/core';
import { createChannels } from '../channels.ts';
import { configPath, loadConfigOrExit } from '../config-file.ts';
import { createConnectors } from '../connectors.ts';
import { EXIT } from '../exit-codes.ts';
import { createLogger } from '../logger.ts';

interface SystemCheck extends CheckResult {
  system: SystemId;
}

interface ChannelCheck {
  channel: string;
  ok: boolean;
  problems: string[];
  /** Why it was not checked (a webhook can only be tested by posting). */
  unchecked?: string;
}

interface StateCheck {
  where: string;
  ok?: boolean;
  problems?: string[];
  unchecked?: string;
}

interface FallbackCheck {
  role: string;
  email: string;
  ok: boolean;
  problem?: string;
}

/**
 * `spoc check`: proves each system's credentials and scopes (the connectors' check(),
 * read-only), each notice channel's token and scopes where the service can tell without a
 * post, and that every role's fallback is a person in some system. Exit 0 when all pass,
 * 2 otherwise, and that a Postgres state store can be used. Writes nothing, to the vendors,
 * the chat tools or the state store.
 */
export async function checkCommand(options: { config?: string; json?: boolean }): Promise<number> {
  const config = loadConfigOrExit(configPath(options.config));
  const logger = createLogger();
  const connectors = await createConnectors(config, logger);

  const [systems, channels, state] = await Promise.all([
    Promise.all(connectors.map(checkSystem)),
    Promise.all(createChannels(config, logger).map(checkChannel)),
    checkState(config),
  ]);
  // People only of the systems that passed: a failed one has already said why.
  const people = await Promise.all(connectors.map((c, i) => (systems[i]?.ok ? readPeople(c) : undefined)));
  const unread = connectors.filter((_, i) => people[i] === undefined).map((c) => c.system);
  const directory = buildDirectory(
    people.flatMap((p) => p ?? []),
    config.aliases,
  );
  const fallbacks = config.roles.flatMap((role): FallbackCheck[] => {
    if (role.onUnresolvable.kind !== 'fallback') return [];
    const { email } = role.onUnresolvable;
    if (directory.byEmail(email)) return [{ role: role.name, email, ok: true }];
    const read = config.enabledSystems.filter((s) => !unread.includes(s));
    const problem =
      read.length === 0
        ? `fallback ${email} not checked: no system's people could be read`
        : `fallback ${email} matches no person in ${read.join(', ')}${unread.length > 0 ? ` (${unread.join(', ')} not read)` : ''}`;
    return [{ role: role.name, email, ok: false, problem }];
  });

  const ok =
    systems.every((s) => s.ok) && channels.every((c) => c.ok) && fallbacks.every((f) => f.ok) && state.ok !== false;
  if (options.json) process.stdout.write(`${JSON.stringify({ ok, systems, channels, fallbacks, state }, null, 2)}\n`);
  else process.stdout.write(render(systems, channels, fallbacks, state));
  return ok ? EXIT.ok : EXIT.usage;
}

/** A Postgres state is reached (read only); a SQLite file is not opened, since opening creates it. */
async function checkState(config: SpocConfig): Promise<StateCheck> {
  if (!('postgres' in config.state))
    return { where: config.statePath, unchecked: 'a SQLite file is opened by the first run' };
  const { where, problems } = await checkPostgresState(
    config.state.postgres,
    config.state.tenant,
    config.state.connectTimeoutMs,
  );
  return { where: `postgres ${where}`, ok: problems.length === 0, problems };
}

async function checkSystem(connector: Connector): Promise<SystemCheck> {
  try {
    const result = await connector.check();
    // A result without problems is ok whatever the flag says, and one with problems is not.
    return { system: connector.system, ...result, ok: result.ok && result.problems.length === 0 };
  } catch (error) {
    return { system: connector.system, ok: false, problems: [toErrorInfo(error).message] };
  }
}

async function checkChannel(channel: NoticeChannel): Promise<ChannelCheck> {
  if (!channel.check)
    return { channel: channel.name, ok: true, problems: [], unchecked: 'a webhook can only be tested by posting' };
  try {
    const { problems } = await channel.check();
    return { channel: channel.name, ok: problems.length === 0, problems };
  } catch (error) {
    return { channel: channel.name, ok: false, problems: [toErrorInfo(error).message] };
  }
}

/** Every person of the system, or undefined when they cannot be read. */
async function readPeople(connector: Connector): Promise<PersonRecord[] | undefined> {
  try {
    const people: PersonRecord[] = [];
    for await (const page of connector.listPeople()) people.push(...page);
    return people;
  } catch {
    return undefined;
  }
}

function render(
  systems: SystemCheck[],
  channels: ChannelCheck[],
  fallbacks: FallbackCheck[],
  state: StateCheck,
): string {
  const lines: string[] = [];
  const problems = (n: number) => `${n} problem${n === 1 ? '' : 's'}`;
  for (const s of systems) {
    lines.push(s.ok ? `${s.system}: ok` : `${s.system}: ${problems(s.problems.length)}`);
    for (const p of s.problems) lines.push(`  - ${p}`);
  }
  for (const c of channels) {
    const state = c.unchecked ? `not checked (${c.unchecked})` : c.ok ? 'ok' : problems(c.problems.length);
    lines.push(`notify ${c.channel}: ${state}`);
    for (const p of c.problems) lines.push(`  - ${p}`);
  }
  for (const f of fallbacks)
    lines.push(f.ok ? `role ${f.role}: fallback ${f.email} ok` : `role ${f.role}: ${f.problem}`);
  if (state.ok !== undefined) {
    lines.push(`state ${state.where}: ${state.ok ? 'ok' : problems(state.problems?.length ?? 0)}`);
    for (const p of state.problems ?? []) lines.push(`  - ${p}`);
  }
  return `${lines.join('\n')}\n`;
}
