import { startConsole, startProblem } from '@spoc/console';
import { consoleToken, TokenError } from '../console-token.ts';
import { configPath, loadConfigOrExit, openStoreOrExit } from '../context.ts';
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
 * SPOC_CONSOLE_TOKEN_FILE), at least 32 characters; no vendor is called.
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
