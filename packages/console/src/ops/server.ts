import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Logger } from 'pino';
import { createGuard, registerGuard, startProblem } from '../security.ts';
import { type OpsOptions, registerOps } from './routes.ts';

export interface OpsServerOptions extends OpsOptions {
  /** Default 127.0.0.1; beyond loopback it requires `token`, as the console does. */
  host?: string;
  /** 0 picks a free one. */
  port: number;
  /** Required for /metrics when set (Authorization: Bearer); /healthz and /readyz need none. */
  token?: string;
  logger?: Logger;
}

/**
 * /healthz, /readyz and /metrics alone on their own port, for a process that serves no
 * console (`spoc schedule --port`), behind the console's guard: the same token rules,
 * and without a token only this machine's loopback name is answered (DNS rebinding).
 * Resolves with its URL once listening.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const problem = startProblem(host, options.token);
  if (problem) throw new Error(problem);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // A scrape every few seconds would drown the scheduler's log.
    logController: new LogController({ disableRequestLogging: true }),
  });
  // The guard reads a session cookie too (it does the console's): without the plugin it has none to read.
  await app.register(cookie);
  registerGuard(app, createGuard(options.token));
  registerOps(app, options);
  await app.listen({ host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close: () => app.close() };
}
