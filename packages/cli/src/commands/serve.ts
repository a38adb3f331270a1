import { readFileSync } from 'node:fs';
import { startConsole } from '@spoc/console';
import { openStore } from '@spoc/core';
import { configPath, loadConfigOrExit } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { createLogger } from '../logger.ts';

export interface ServeOptions {
  config?: string;
  port: string;
  host: string;
}

/**
 * `spoc serve`: the admin console over the state store until SIGINT/SIGTERM. First
 * stdout line: {"url": …}. Beyond loopback it needs SPOC_CONSOLE_TOKEN (or
 * SPOC_CONSOLE_TOKEN_FILE); no vendor is called.
 */
export async function serveCommand(options: ServeOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfigOrExit(configPath(options.config), env);
  const logger = createLogger();
  const token = consoleToken(env);
  const store = openStore(config.statePath);
  try {
    const server = await startConsole({
      config,
      store,
      logger,
      host: options.host,
      port: Number(options.port),
      ...(token ? { token } : {}),
    });
    process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
    logger.info({ url: server.url }, 'console ready');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await server.close();
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`spoc serve: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  } finally {
    store.close();
  }
}

function consoleToken(env: NodeJS.ProcessEnv): string | undefined {
  if (env.SPOC_CONSOLE_TOKEN) return env.SPOC_CONSOLE_TOKEN;
  if (env.SPOC_CONSOLE_TOKEN_FILE) return readFileSync(env.SPOC_CONSOLE_TOKEN_FILE, 'utf8').trim();
  return undefined;
}
