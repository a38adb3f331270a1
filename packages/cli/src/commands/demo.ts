import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, openStore, ownershipReport, type RunReport, readAndPlan, runSync } from '@spoc/core';
import { demoSeed, GENERATED_FIELDS, startSandbox } from '@spoc/sandbox';
import { createChannels } from '../channels.ts';
import { createConnectors } from '../connectors.ts';
import { EMULATORS, sandboxEnv } from '../emulators.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import { createLogger } from '../logger.ts';
import { REGISTRY } from '../registry.ts';
import { renderOwnership, renderRun } from '../render.ts';
import { table } from '../table.ts';

// The repo's config/; the installable package (scripts/build.ts) copies it beside its bundle.
const BESIDE = fileURLToPath(new URL('./config/', import.meta.url));
const CONFIGS = existsSync(BESIDE) ? BESIDE : fileURLToPath(new URL('../../../../config/', import.meta.url));
/** The three-system story, and the same story across every system this build has an emulator for. */
const DEMO_CONFIG = join(CONFIGS, 'spoc.demo.yaml');
const DEMO_ALL_CONFIG = join(CONFIGS, 'spoc.demo-all.yaml');
const STORY_SYSTEMS = ['hubspot', 'salesforce', 'zendesk'];
/** Where the three-system story's notices go (config/spoc.demo.yaml, `notify`). */
const CHAT_TOOLS = ['slack', 'teams'];

/**
 * `spoc demo`, the main job offline: start the sandbox with 40 drifting customers,
 * preview, sync, report; then a human changes a CSM in HubSpot and the next sync
 * carries it everywhere; a last sync proves nothing is left to do. `--systems all`
 * tells the same story across every system.
 */
export async function demoCommand(options: { keep?: boolean; systems?: string } = {}): Promise<number> {
  if (options.systems !== undefined && options.systems !== 'all') {
    process.stderr.write(`spoc demo: --systems takes "all" (got "${options.systems}")\n`);
    return EXIT.usage;
  }
  const all = options.systems === 'all';
  const emulators = all ? [...EMULATORS] : EMULATORS.filter((e) => [...STORY_SYSTEMS, ...CHAT_TOOLS].includes(e.id));
  const configFile = all ? DEMO_ALL_CONFIG : DEMO_CONFIG;
  const seed = demoSeed(emulators);
  const sandbox = await startSandbox({ emulators, seed, port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'spoc-demo-'));
  const env = {
    ...process.env,
    SPOC_DEMO_TOKEN: 'demo-token',
    ...sandboxEnv(sandbox.urls),
    SPOC_DEMO_STATE: join(dir, 'state.db'),
  };
  const logger = createLogger({ level: process.env.SPOC_LOG_LEVEL ?? 'warn' });
  const config = loadConfig(configFile, REGISTRY, env);
  const store = openStore(config.statePath);
  const deps = {
    config,
    store,
    logger,
    connectors: await createConnectors(config, logger),
    channels: createChannels(config, logger),
  };
  const out = (text = '') => process.stdout.write(`${text}\n`);
  const runs: RunReport[] = [];
  const sync = async (title: string, dryRun = false) => {
    const report = await runSync(deps, { dryRun, full: false, force: false });
    runs.push(report);
    out(renderRun(report, title));
    out();
    return report;
  };

  try {
    out(`Sandbox: ${JSON.stringify(sandbox.urls)}`);
    out(`Config:  ${configFile} (state in ${config.statePath})`);
    out();

    out('== 0. Before: does every customer have one point of contact? (spoc report) ==');
    const before = await readAndPlan(deps, { full: false, force: true });
    out(renderOwnership(ownershipReport(before.plan, config.enabledSystems), false).split('\n\n')[0] ?? '');
    out();

    out('== 1. Preview: what would change (spoc plan) ==');
    await sync('plan', true);

    out('== 2. Sync: Salesforce decides the account owner; CSMs merge both ways ==');
    await sync('sync');

    let told = 0;
    const showNotices = async (step: string) => {
      const posted = sandbox.urls.slack ? await slackMessages(sandbox.urls.slack, '#handovers') : [];
      if (posted.length <= told) return;
      out(`== ${step}. Slack #handovers: ${posted.length - told} handover notice(s) posted; the latest reads ==`);
      out(posted[0]?.split('\n').slice(0, 12).join('\n'));
      out();
      told = posted.length;
    };
    await showNotices('2b');

    out('== 3. Report: one point of contact everywhere ==');
    const { plan } = await readAndPlan(deps, { full: false, force: true });
    out(renderOwnership(ownershipReport(plan, config.enabledSystems), false));
    out();

    const company = seed.hubspot?.companies[0];
    const companyId = String(company?.id);
    const owners = (seed.hubspot?.owners ?? []).filter((o) => o.type === 'PERSON' && o.archived === false);
    const currentCsm = (company?.properties as Record<string, string | null> | undefined)?.[
      GENERATED_FIELDS.hubspotCsm
    ];
    const newCsm = owners.find((o) => String(o.id) !== currentCsm);
    // The team lead, signed in to HubSpot, makes the change (the notice says who did).
    const editor = owners.find((o) => typeof o.userId === 'number' && o !== newCsm);
    out(
      `== 4. A human reassigns the CSM of company ${companyId} in HubSpot to ${String(newCsm?.email)} (${String(editor?.firstName)}, in HubSpot's UI) ==`,
    );
    await hubspotSetProperty(sandbox.urls.hubspot, companyId, GENERATED_FIELDS.hubspotCsm, String(newCsm?.id), {
      asUser: Number(editor?.userId),
    });
    const propagated = await sync('sync');
    await showNotices('4b');

    out('== 5. Sync again: nothing left to do (no sync loop) ==');
    await sync('sync');

    const account = propagated.changes[0]?.account;
    if (account) {
      out(`== 6. History of ${account} (spoc history) ==`);
      out(
        table(
          ['at', 'role', 'system', 'owner', 'reason'],
          store.history.forAccount(account).map((r) => [r.at, r.role, r.system, r.email ?? '—', r.reason]),
        ),
      );
      out();
    }
    out('Try it yourself: spoc sandbox (keeps the emulators running), then spoc sync -c config/spoc.demo.yaml');
    out('with SPOC_SANDBOX_* and SPOC_DEMO_TOKEN set as printed above.');
    const worst = Math.max(...runs.map(exitCodeOf));
    return worst === EXIT.ok ? EXIT.ok : worst;
  } finally {
    store.close();
    await sandbox.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a person editing the company in HubSpot's UI would do, through HubSpot's API (the
 * sandbox's `ui-user-<userId>` token records the change as theirs, from the UI).
 */
async function hubspotSetProperty(
  baseUrl: string,
  id: string,
  property: string,
  value: string,
  by: { asUser: number },
): Promise<void> {
  const response = await fetch(`${baseUrl}/crm/v3/objects/companies/batch/update`, {
    method: 'POST',
    headers: { authorization: `Bearer ui-user-${by.asUser}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ id, properties: { [property]: value } }] }),
  });
  if (!response.ok) throw new Error(`sandbox refused the manual edit: ${response.status} ${await response.text()}`);
}

/** The messages of a channel of the sandbox's Slack, newest first, as conversations.history lists them. */
async function slackMessages(baseUrl: string, channel: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/conversations.history`, {
    method: 'POST',
    headers: { authorization: 'Bearer xoxb-sandbox', 'content-type': 'application/json' },
    body: JSON.stringify({ channel, limit: 100 }),
  });
  const body = (await response.json()) as { ok: boolean; messages?: { text?: string; blocks?: unknown[] }[] };
  return body.ok ? (body.messages ?? []).map((m) => [m.text ?? '', ...whyOf(m.blocks)].join('\n')) : [];
}

/** The "Why" field of a handover message's blocks, as a reader sees it under the headline. */
function whyOf(blocks: unknown[] | undefined): string[] {
  const fields = (blocks ?? []).flatMap((b) => (b as { fields?: { text?: string }[] }).fields ?? []);
  const why = fields.map((f) => f.text ?? '').find((t) => t.startsWith('*Why*\n'));
  return why ? [`  why: ${why.slice('*Why*\n'.length)}`] : [];
}
