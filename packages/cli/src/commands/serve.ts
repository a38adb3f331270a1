import { type SyncRunner, startConsole, startProblem } from '@spoc/console';
import { type Connector, type NoticeChannel, runSync, type SpocConfig, type StateStore } from '@spoc/core';
import type { Logger } from 'pino';
import { createChannels } from '../channels.ts';
import { createConnectors } from '../connectors.ts';
import { consoleToken, TokenError } from '../console-token.ts';
import { configPath, loadConfigOrExit, openStoreOrExit } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { createLogger } from '../logger.ts';
import { queuedSync } from '../queue/queued-sync.ts';

export interface ServeOptions {
  config?: string;
  port: string;
  host: string;
}

/**
 * `spoc serve`: the admin console over the state store until SIGINT/SIGTERM. First
 * stdout line: {"url": …}. Beyond loopback it needs SPOC_CONSOLE_TOKEN (or
 * SPOC_CONSOLE_TOKEN_FILE), at least 32 characters. No vendor is called until someone
 * presses "Sync now", which runs `spoc sync` in this process (the store's lock keeps it
 * from overlapping a scheduled run; the guard applies, never --force), or, for a
 * Postgres tenant, queues it for the tenant's worker pool (`spoc worker`).
 */
export async function serveCommand(options: ServeOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfigOrExit(configPath(options.config), env);
  const logger = createLogger();
  // The token is checked before the state store is opened: a refused start leaves nothing behind.
  let token: string | undefined;
  try {
    const given = consoleToken(env);
    const problem = startProblem(options.host, given?.value, given?.source);
    if (problem) throw new TokenError(problem);
    token = given?.value;
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    process.stderr.write(`spoc serve: ${error.message}\n`);
    return EXIT.usage;
  }
  const store = openStoreOrExit(config, logger);
  // A Postgres tenant's "Sync now" goes to its worker pool; a SQLite one runs here.
  const queued = 'postgres' in config.state ? queuedSync(config, logger) : undefined;
  try {
    const server = await startConsole({
      config,
      store,
      logger,
      host: options.host,
      port: Number(options.port),
      ...(token ? { token } : {}),
      sync: queued?.runner ?? consoleSync(config, store, logger, options.config),
    });
    process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
    logger.info({ url: server.url }, 'console ready');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await server.close();
    await queued?.close();
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`spoc serve: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  } finally {
    store.close();
  }
}

/** "Sync now": the connectors (and notice channels) are made at the first press, then kept. */
function consoleSync(config: SpocConfig, store: StateStore, logger: Logger, configOption?: string): SyncRunner {
  let made: Promise<{ connectors: Connector[]; channels: NoticeChannel[] }> | undefined;
  return async ({ onProgress, signal }) => {
    made ??= createConnectors(config, logger).then(
      (connectors) => ({ connectors, channels: createChannels(config, logger) }),
      (error: unknown) => {
        // Not kept: the next press tries again (a secret file fixed in between, say).
        made = undefined;
        throw error;
      },
    );
    const { connectors, channels } = await made;
    return runSync(
      { config, connectors, channels, store, logger },
      { dryRun: false, full: false, force: false, signal, onProgress, configPath: configPath(configOption) },
    );
  };
}
