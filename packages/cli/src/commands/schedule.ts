import { runSync } from '@spoc/core';
import { Cron } from 'croner';
import { openContext } from '../context.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';

/**
 * `spoc schedule`: runs sync on the config's cron schedule. Runs never overlap
 * (croner's `protect`, and the store's lock across processes). SIGTERM/SIGINT lets
 * the current write batch finish, then exits cleanly.
 */
export async function scheduleCommand(options: { config?: string }): Promise<number> {
  const ctx = await openContext(options.config);
  const expression = ctx.config.schedule;
  if (!expression) {
    process.stderr.write(`${ctx.config.file}: no schedule set (add e.g. schedule: "*/15 * * * *")\n`);
    ctx.store.close();
    return EXIT.usage;
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
  ctx.store.close();
  return EXIT.ok;
}
