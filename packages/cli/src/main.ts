#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { EXIT } from './exit-codes.ts';
import { chooseHeapPolicy } from './heap-policy.ts';
import { traced } from './telemetry.ts';

chooseHeapPolicy(process.argv[2]);

// Commander parses the command line (subcommands, help, unknown options) so the
// contract of docs/ARCHITECTURE.md ("The CLI contract") is declared here once.
const program = new Command()
  .name('spoc')
  .description('Single Point of Contact: one owner per customer across HubSpot, Salesforce and Zendesk')
  .version('0.1.0')
  .exitOverride()
  .showHelpAfterError()
  .configureHelp({ showGlobalOptions: true })
  .addOption(
    new Option('--log-level <level>', 'log detail on stderr (default info)')
      .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .env('SPOC_LOG_LEVEL'),
  )
  // Every logger reads SPOC_LOG_LEVEL: the flag (or the checked variable) is handed on there.
  .hook('preAction', () => {
    const { logLevel } = program.opts<{ logLevel?: string }>();
    if (logLevel !== undefined) process.env.SPOC_LOG_LEVEL = logLevel;
  });

const configOption = () => new Option('-c, --config <file>', 'config file (default $SPOC_CONFIG or ./spoc.yaml)');
const set = (code: number) => {
  process.exitCode = code;
};
// Each command's module loads when it runs: a sync never loads the console's web server
// nor the sandbox (memory a scheduled run would carry for nothing).
const commands = {
  validate: () => import('./commands/validate.ts'),
  check: () => import('./commands/check.ts'),
  run: () => import('./commands/run-command.ts'),
  report: () => import('./commands/report.ts'),
  history: () => import('./commands/history.ts'),
  sandbox: () => import('./commands/sandbox.ts'),
  demo: () => import('./commands/demo.ts'),
  schedule: () => import('./commands/schedule.ts'),
  serve: () => import('./commands/serve.ts'),
  worker: () => import('./commands/worker.ts'),
};

program
  .command('validate')
  .description('check the config; exit 0 valid, 2 invalid')
  .addOption(configOption())
  .option('--offline', 'check the structure only: secrets not provided here are listed, not errors')
  .action(async (o) => set((await commands.validate()).validateCommand(o)));

program
  .command('check')
  .description('prove each system’s credentials and scopes, and that every fallback is a person; exit 0 or 2')
  .addOption(configOption())
  .option('--json', 'one JSON document on stdout')
  .action(async (o) => set(await (await commands.check()).checkCommand(o)));

program
  .command('plan')
  .description('read-only: what a sync would change')
  .addOption(configOption())
  .option('--json', 'one JSON document on stdout')
  .addOption(new Option('--markdown', 'a Markdown summary on stdout, for a pull-request comment').conflicts('json'))
  .option('--full', 'read every account, ignoring cursors')
  .action(traced(async (o) => set(await (await commands.run()).runCommand(o, 'plan'))));

program
  .command('sync')
  .description('read, decide one owner per account and role, write the difference')
  .addOption(configOption())
  .option('--json', 'one JSON document on stdout')
  .option('--dry-run', 'plan only, write nothing')
  .option('--full', 'read every account, ignoring cursors')
  .option('--force', 'apply even when the safety guard trips')
  .action(traced(async (o) => set(await (await commands.run()).runCommand(o, 'sync'))));

program
  .command('report')
  .description('per account and role: the owner in each system and a status')
  .addOption(configOption())
  .option('--json', 'one JSON document on stdout')
  .addOption(
    new Option('--csv', 'CSV on stdout: every account and role, one row each (for a spreadsheet)').conflicts('json'),
  )
  .option('--all', 'list consistent accounts too')
  .option('--full', 'read every account, ignoring cursors')
  .action(async (o) => set(await (await commands.report()).reportCommand(o)));

program
  .command('history')
  .description('who owned an account, when, which run and system changed it')
  .argument('<account>', 'account key (e.g. salesforce:001…), account name, or a record id in any system')
  .addOption(configOption())
  .option('--json', 'one JSON document on stdout')
  .action(async (account, o) => set((await commands.history()).historyCommand(account, o)));

program
  .command('sandbox')
  .description('run offline emulators of the vendor APIs')
  .option('--systems <a,b>', 'serve only these systems, in this order (default: all)')
  .option('--port <n>', 'the first system’s port, the next +1 and so on; 0 picks free ports', '0')
  .option('--host <addr>', 'address to bind', '127.0.0.1')
  .option('--seed <demo|file.json>', 'seed data (default demo)')
  .option('--accounts <n>', 'generate a world of N accounts instead of a seed')
  .option(
    '--faults <spec>',
    'inject faults, e.g. 5xx=0.1,429=0.05,latency=2000:0.02, and vendor behaviours, e.g. salesforce.lockRow=0.05 (docs/VENDOR-BEHAVIOUR.md)',
  )
  .option('--no-rate-limits', 'do not emulate the vendors’ rate limits')
  .option('--time-scale <x>', 'scale rate-limit windows (0.1 = ten times faster)', '1')
  .action(async (o) => set(await (await commands.sandbox()).sandboxCommand(o)));

program
  .command('demo')
  .description('the main job, offline: sandbox + sync + report')
  .option('--keep', 'keep the demo state directory')
  .option('--systems <all>', 'all: the same story across every system (default: HubSpot, Salesforce, Zendesk)')
  .action(async (o) => set(await (await commands.demo()).demoCommand(o)));

program
  .command('schedule')
  .description('run sync on the config’s cron schedule')
  .addOption(configOption())
  .option('--port <n>', 'serve /healthz, /readyz and /metrics on this port (0 picks a free one; default: not served)')
  .option('--host <addr>', 'address to serve them on (beyond loopback, SPOC_CONSOLE_TOKEN is required)', '127.0.0.1')
  .action(traced(async (o) => set(await (await commands.schedule()).scheduleCommand(o))));

program
  .command('serve')
  .description('the admin console: ownership, drift, conflicts, history, settle and hand over')
  .addOption(configOption())
  .option('--port <n>', 'port; 0 picks a free one', '8080')
  .option('--host <addr>', 'address to bind (beyond loopback, SPOC_CONSOLE_TOKEN is required)', '127.0.0.1')
  .action(traced(async (o) => set(await (await commands.serve()).serveCommand(o))));

program
  .command('worker')
  .description('drain the sync queue of Postgres-backed configs (their tenants), sharing it with other workers')
  .argument('[configs...]', 'config files, each a tenant')
  .option('--configs <dir>', 'every *.yaml in this folder too')
  .option('--concurrency <n>', 'syncs at a time in this process', '2')
  .option('--heartbeat <seconds>', 'a worker silent this long has its job given to another (10 or more)', '20')
  .action(async (files: string[], o) => set(await (await commands.worker()).workerCommand(files, o)));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    process.stderr.write(`spoc: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT.failures;
  }
}
