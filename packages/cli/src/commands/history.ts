import { configPath, loadConfigOrExit, openStoreOrExit } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { table } from '../table.ts';

/**
 * `spoc history ACCOUNT`: who owned it, when, which run and system changed it, and why.
 * ACCOUNT is an account key, a name, or a record id in any system (Salesforce ids in
 * either form). An account spoc does not know is a usage error; a known one without
 * history yet is not.
 */
export function historyCommand(query: string, options: { config?: string; json?: boolean }): number {
  const config = loadConfigOrExit(configPath(options.config));
  const store = openStoreOrExit(config);
  try {
    const forms = (id: string) =>
      Object.values(config.systems).flatMap((s) => s.definition.link.referenceForms?.(id) ?? [id]);
    const matches = store.history.findAccounts(query, forms);
    if (matches.length === 0) {
      process.stderr.write(
        `no account matches "${query}" (an account key, an account name or a record id of any system, as the last sync saw them)\n`,
      );
      return EXIT.usage;
    }
    if (matches.length > 1) {
      const list = matches.slice(0, 10).map((m) => (m.name ? `${m.account} (${m.name})` : m.account));
      process.stderr.write(`"${query}" matches ${matches.length} accounts: ${list.join(', ')}; give its key\n`);
      return EXIT.usage;
    }
    const { account, name } = matches[0] as { account: string; name: string | null };
    const rows = store.history.forAccount(account);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ account, name, history: rows })}\n`);
      return EXIT.ok;
    }
    const title = name ? `${account} (${name})` : account;
    if (rows.length === 0) {
      process.stdout.write(`${title} has no ownership history yet: no sync has observed or changed its owners.\n`);
      return EXIT.ok;
    }
    process.stdout.write(`History of ${title}:\n`);
    process.stdout.write(
      `${table(
        ['at', 'role', 'system', 'owner', 'reason', 'run'],
        rows.map((r) => [
          r.at,
          r.role,
          r.system,
          r.email ?? (r.value ? `"${r.value}" (no known person)` : '—'),
          r.reason,
          r.runId,
        ]),
      )}\n`,
    );
    return EXIT.ok;
  } finally {
    store.close();
  }
}
