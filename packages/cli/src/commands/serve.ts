import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { startConsole, startProblem } from '@spoc/console';
import { configMask } from '@spoc/core';
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
  const logger = createLogger({ mask: configMask(config) });
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

class TokenError extends Error {}

/** Same bound as `${file:PATH}` config secrets: a token is a line, not a document. */
const MAX_TOKEN_FILE = 64 * 1024;

function consoleToken(env: NodeJS.ProcessEnv): { value: string; source: string } | undefined {
  if (env.SPOC_CONSOLE_TOKEN)
    return { value: clean(env.SPOC_CONSOLE_TOKEN, 'SPOC_CONSOLE_TOKEN'), source: 'SPOC_CONSOLE_TOKEN' };
  const file = env.SPOC_CONSOLE_TOKEN_FILE;
  if (!file) return undefined;
  const source = `SPOC_CONSOLE_TOKEN_FILE ${file}`;
  return { value: clean(readTokenFile(file, source), source), source };
}

/**
 * Reads a regular file of at most 64 KiB. Opened non-blocking and checked on the open
 * descriptor, so a FIFO or a device is refused without ever blocking on a read.
 */
function readTokenFile(file: string, source: string): string {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new TokenError(`cannot read ${source}: ${reasonOf(error)}`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new TokenError(`${source} is not a regular file`);
    const buffer = Buffer.alloc(MAX_TOKEN_FILE + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_TOKEN_FILE) throw new TokenError(`${source} is larger than 64 KiB`);
    return buffer.toString('utf8', 0, length);
  } catch (error) {
    if (error instanceof TokenError) throw error;
    throw new TokenError(`cannot read ${source}: ${reasonOf(error)}`);
  } finally {
    closeSync(fd);
  }
}

/** Trimmed; empty or holding a control character (a second line, a NUL) is refused. */
function clean(value: string, source: string): string {
  const token = value.trim();
  if (token === '') throw new TokenError(`${source} is empty`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(token)) {
    throw new TokenError(`${source} holds a line break or another control character`);
  }
  return token;
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
