import { runSync } from '@spoc/core';
import { Cron } from 'croner';
import { consoleToken, TokenError } from '../console-token.ts';
import { openContext } from '../context.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';

export interface ScheduleOptions {
  config?: string;
  /** Serve /healthz, /readyz and /metrics on this port (0 picks a free one); none without it. */
  port?: string;
  host: string;
}

/**
 * `spoc schedule`: runs sync on the config's cron schedule. Runs never overlap
 * (croner's `protect`, and the store's lock across processes). SIGTERM/SIGINT lets
 * the current write batch finish, then exits cleanly. With --port, /healthz, /readyz
 * and /metrics are served meanwhile (first stdout line: {"url": …}); beyond loopback
 * that needs SPOC_CONSOLE_TOKEN, as `spoc serve` does, and /metrics asks for it.
 */
export async function scheduleCommand(options: ScheduleOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // The address and token are checked before anything is opened: a refused start leaves nothing behind.
  let ops: { port: number; token?: string; web: typeof import('@spoc/console') } | undefined;
  if (options.port !== undefined) {
    const port = Number(options.port);
    if (!/^\d{1,5}$/.test(options.port) || port > 65535) {
      process.stderr.write(`spoc schedule: --port ${options.port} is not a port (0 to 65535; 0 picks a free one)\n`);
      return EXIT.usage;
    }
    // Loaded only when asked for: a schedule without --port carries no web server.
    const web = await import('@spoc/console');
    try {
      const given = consoleToken(env);
      const problem = web.startProblem(options.host, given?.value, given?.source);
      if (problem) throw new TokenError(problem);
      ops = { port, web, ...(given ? { token: given.value } : {}) };
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      process.stderr.write(`spoc schedule: ${error.message}\n`);
      return EXIT.usage;
    }
  }
  const ctx = await openContext(options.config, env);
  const expression = ctx.config.schedule;
  if (!expression) {
    process.stderr.write(`${ctx.config.file}: no schedule set (add e.g. schedule: "*/15 * * * *")\n`);
    ctx.store.close();
    return EXIT.usage;
  }
  let server: { url: string; close: () => Promise<void> } | undefined;
  if (ops) {
    try {
      server = await ops.web.startOpsServer({
        config: ctx.config,
        store: ctx.store,
        logger: ctx.logger,
        host: options.host,
        port: ops.port,
        ...(ops.token ? { token: ops.token } : {}),
      });
    } catch (error) {
      process.stderr.write(`spoc schedule: ${error instanceof Error ? error.message : String(error)}\n`);
      ctx.store.close();
      return EXIT.usage;
    }
    process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
    ctx.logger.info({ url: server.url }, 'health and metrics served');
  }
  const controller = new AbortController();
  let running: Promise<void> = Promise.resolve();
  const job = new Cron(expression, { protect: true }, async () => {
    running = runSync(
      {
        config: ctx.config,
        connectors: ctx.connectors,
        channels: ctx.channels,
        store: ctx.store,
        logger: ctx.logger,
      },
      { dryRun: false, full: false, force: false, signal: controller.signal },
    ).then((report) => {
      ctx.logger.info(
        { runId: report.runId, status: report.status, counts: report.counts, exit: exitCodeOf(report) },
        'scheduled run finished',
      );
      ctx.logger.info({ next: job.nextRun()?.toISOString() }, 'next run');
    });
    await running;
  });
  ctx.logger.info({ schedule: expression, next: job.nextRun()?.toISOString() }, 'scheduler started');

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      ctx.logger.warn({ signal }, 'stopping: the current batch finishes first');
      job.stop();
      controller.abort(new Error(`received ${signal}`));
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running;
  await server?.close();
  ctx.store.close();
  return EXIT.ok;
}
