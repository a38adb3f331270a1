import { openStore } from '@spoc/core';
import { configPath, loadConfigOrExit } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { table } from '../render.ts';

/** `spoc history ACCOUNT`: who owned it, when, which run and system changed it, and why. */
export function historyCommand(account: string, options: { config?: string; json?: boolean }): number {
  const config = loadConfigOrExit(configPath(options.config));
  const store = openStore(config.statePath);
  try {
    const keys = store.historyAccounts(account);
    const key = keys.includes(account) ? account : keys.length === 1 ? keys[0] : undefined;
    if (key === undefined) {
      const hint = keys.length > 1 ? `; it matches ${keys.slice(0, 10).join(', ')}` : '';
      process.stderr.write(`no ownership history for "${account}"${hint}\n`);
      return EXIT.usage;
    }
    const rows = store.historyForAccount(key);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ account: key, history: rows })}\n`);
    } else {
      process.stdout.write(`History of ${key}:\n`);
      process.stdout.write(
        `${table(
          ['at', 'role', 'system', 'owner', 'reason', 'run'],
          rows.map((r) => [r.at, r.role, r.system, r.email ?? '—', r.reason, r.runId]),
          40,
        )}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    store.close();
  }
}
