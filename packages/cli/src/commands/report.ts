import { ownershipReport, readAndPlan } from '@spoc/core';
import { openContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { renderOwnership } from '../render.ts';
import { renderOwnershipCsv } from '../render-csv.ts';

/** `spoc report`: per account and role, the owner each system shows and a status. Read-only. */
export async function reportCommand(options: {
  config?: string;
  json?: boolean;
  /** CSV of every account and role (commander refuses it with --json). */
  csv?: boolean;
  all?: boolean;
  full?: boolean;
}): Promise<number> {
  const ctx = await openContext(options.config);
  try {
    const { plan } = await readAndPlan(
      { config: ctx.config, connectors: ctx.connectors, store: ctx.store, logger: ctx.logger },
      { full: options.full === true, force: true },
    );
    const report = ownershipReport(plan, ctx.config.enabledSystems);
    process.stdout.write(
      options.json
        ? `${JSON.stringify(report)}\n`
        : options.csv
          ? renderOwnershipCsv(report, ctx.config.enabledSystems)
          : `${renderOwnership(report, options.all === true)}\n`,
    );
    return EXIT.ok;
  } finally {
    ctx.store.close();
  }
}
