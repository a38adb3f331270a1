import { runSync } from '@spoc/core';
import { openContext } from '../context.ts';
import { exitCodeOf } from '../exit-codes.ts';
import { createProgress } from '../progress.ts';
import { renderRun } from '../render.ts';
import { renderRunMarkdown } from '../render-markdown.ts';

export interface RunCommandOptions {
  config?: string;
  json?: boolean;
  /** A Markdown summary (plan only; commander refuses it with --json). */
  markdown?: boolean;
  dryRun?: boolean;
  full?: boolean;
  force?: boolean;
}

/**
 * `spoc sync` and `spoc plan` (a dry run). The first SIGINT/SIGTERM lets the current
 * write batch finish and stops cleanly; a second one exits at once.
 */
export async function runCommand(options: RunCommandOptions, title: 'sync' | 'plan'): Promise<number> {
  const ctx = await openContext(options.config);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130);
    ctx.logger.warn({ signal }, 'stopping after the current batch (signal again to exit now)');
    controller.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress();
  try {
    const report = await runSync(
      {
        config: ctx.config,
        connectors: ctx.connectors,
        channels: ctx.channels,
        store: ctx.store,
        logger: ctx.logger,
      },
      {
        dryRun: title === 'plan' || options.dryRun === true,
        full: options.full === true,
        force: options.force === true,
        signal: controller.signal,
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      },
    );
    progress.stop();
    process.stdout.write(
      options.json
        ? `${JSON.stringify(report)}\n`
        : options.markdown
          ? `${renderRunMarkdown(report, title)}\n`
          : `${renderRun(report, title)}\n`,
    );
    return exitCodeOf(report);
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    ctx.store.close();
  }
}
