import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import type { OwnershipReport, RunReport } from '@spoc/core';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { parse as parseCsv } from 'csv-parse/sync';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { demoWorkspace, ROOT, spoc } from './helpers.ts';

// What GitHub renders in a comment: GFM tables and strikethrough, and raw HTML (GitHub
// lets a subset of tags through, so the test lets them all through).
const markdown = new MarkdownIt({ html: true });

interface Cell {
  text: string;
  /** Token types inside the cell: only 'text' (and soft breaks) when nothing rendered as markup. */
  markup: string[];
}

/** Every table of a Markdown document, as rows of cells (header row first), from markdown-it's tokens. */
function tables(source: string): Cell[][][] {
  const out: Cell[][][] = [];
  let row: Cell[] = [];
  for (const token of markdown.parse(source, {})) {
    if (token.type === 'table_open') out.push([]);
    else if (token.type === 'tr_open') row = [];
    else if (token.type === 'tr_close') out.at(-1)?.push(row);
    else if (token.type === 'inline' && token.level > 2) {
      const children = token.children ?? [];
      row.push({
        // Less the invisible word joiners that keep GitHub from linking a URL or a mention.
        text: children
          .map((c) => c.content)
          .join('')
          .replace(/\u2060/g, ''),
        markup: children.map((c) => c.type).filter((t) => t !== 'text'),
      });
    }
  }
  return out;
}

const tableStarting = (source: string, header: string) => {
  const table = tables(source).find((t) => t[0]?.[0]?.text === header);
  if (!table) throw new Error(`no table headed ${header} in:\n${source}`);
  return table.slice(1);
};

/** A person's edit in Salesforce, through its REST API (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm). */
async function renameInSalesforce(sandbox: Sandbox<EmulatorId>, id: string, name: string) {
  const res = await fetch(`${sandbox.urls.salesforce}/services/data/v62.0/sobjects/Account/${id}`, {
    method: 'PATCH',
    headers: { authorization: 'Bearer e2e', 'content-type': 'application/json' },
    body: JSON.stringify({ Name: name }),
  });
  expect(res.status).toBe(204);
}

// Customer 17 has two planned changes (HubSpot and Zendesk), customer 4 one (Zendesk).
const HOSTILE = 'Acme | <b>*x*</b> [y](z) `c` ~~s~~ _u_ \\';
const FORMULA = '=HYPERLINK("http://evil.test","click")';
const QUOTED = 'Smith, "Jones"\nand Sons';

let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;
beforeAll(async () => {
  sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
  workspace = demoWorkspace(sandbox);
  await renameInSalesforce(sandbox, '001000000000017AAA', HOSTILE);
  await renameInSalesforce(sandbox, '001000000000004AAA', FORMULA);
  await renameInSalesforce(sandbox, '001000000000005AAA', QUOTED);
});
afterAll(async () => {
  await sandbox?.close();
  if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
});

const planJson = async (w = workspace) => {
  const r = await spoc(['plan', '--json', '-c', w.config], w.env);
  return { code: r.code, report: JSON.parse(r.stdout) as RunReport };
};

describe('spoc plan --markdown (CLI against the sandbox)', () => {
  it('shows the changes that plan --json lists, row for row, and the counts', async () => {
    const { report } = await planJson();
    const md = await spoc(['plan', '--markdown', '-c', workspace.config], workspace.env);
    expect(md.code).toBe(0);
    expect(report.changes.length).toBeGreaterThan(10);

    const rows = tableStarting(md.stdout, 'account');
    expect(rows.map((r) => r.map((c) => c.text))).toEqual(
      report.changes.map((c) => [c.accountName, c.role, c.system, `${c.from} → ${c.to}`, c.reason]),
    );
    const perSystem = new Map<string, number>();
    for (const c of report.changes) perSystem.set(c.system, (perSystem.get(c.system) ?? 0) + 1);
    expect(tableStarting(md.stdout, 'system').map((r) => [r[0]?.text, Number(r[1]?.text)])).toEqual([...perSystem]);

    const c = report.counts;
    expect(md.stdout.split('\n')[0]).toBe('### ✅ spoc plan: ok (dry run)');
    expect(md.stdout).toContain(
      `${c.accounts} accounts · **${c.accountRoles}** of ${c.inScope} account-roles in scope changing · ${c.changes} writes`,
    );
    expect(md.stdout).toContain(`Conflicts **${c.conflicts}** · unresolvable **${c.unresolvable}**`);
    expect(md.stdout).toContain(`missing **${c.missing}**`);
    expect(md.stdout).toContain(`#### Issues (${report.issues.length})`);
    const cascades = report.cascadePlan?.totals;
    expect(md.stdout).toContain(
      `${cascades?.contacts} contacts and ${cascades?.openTickets} open tickets would follow`,
    );
  });

  it('renders a hostile account name as its text: no markup, no HTML, no extra column', async () => {
    const md = await spoc(['plan', '--markdown', '-c', workspace.config], workspace.env);
    const rows = tableStarting(md.stdout, 'account').filter((r) => r[0]?.text === HOSTILE);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toHaveLength(5);
      expect(row.flatMap((cell) => cell.markup)).toEqual([]);
    }
    const html = markdown.render(md.stdout);
    // spoc's own markup is <strong> and <code> outside the tables; nothing else renders.
    expect(html).not.toMatch(/<(b|em|a|s|del|img)[ >]/);
    expect(html.match(/<td>.*<\/td>/g)?.join('')).not.toMatch(/<(?!\/?td>)/);
    expect(html).toContain('Acme | &lt;b&gt;*x*&lt;/b&gt; [y](z) `c` ~~s~~ _u_ \\');
  });

  it('a plan the guard refuses says why, as plan --json does, and exits 3', async () => {
    const refusing = demoWorkspace(sandbox, (y) => y.replace('maxChanges: 50%', 'maxChanges: 1'));
    try {
      const { code, report } = await planJson(refusing);
      expect([code, report.status]).toEqual([3, 'refused']);
      const md = await spoc(['plan', '--markdown', '-c', refusing.config], refusing.env);
      expect(md.code).toBe(3);
      expect(md.stdout.split('\n')[0]).toBe('### ⛔ spoc plan: refused (dry run)');
      const quote = markdown
        .parse(md.stdout, {})
        .find((t) => t.type === 'inline' && t.content.startsWith('**Refused:**'));
      expect(quote?.children?.map((t) => (t.type === 'text' ? t.content : '')).join('')).toBe(
        `Refused: ${report.message}`,
      );
    } finally {
      rmSync(refusing.dir, { recursive: true, force: true });
    }
  });

  it('--markdown with --json is a usage error (exit 2)', async () => {
    const r = await spoc(['plan', '--markdown', '--json', '-c', workspace.config], workspace.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--markdown.*cannot be used with.*--json|--json.*cannot be used with.*--markdown/);
  });
});

describe('spoc report --csv (CLI against the sandbox)', () => {
  it('parses back to the rows of report --json, every account and role, a formula neutralised', async () => {
    const json = await spoc(['report', '--json', '-c', workspace.config], workspace.env);
    const report = JSON.parse(json.stdout) as OwnershipReport;
    const csv = await spoc(['report', '--csv', '-c', workspace.config], workspace.env);
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout, { record_delimiter: '\r\n' }) as string[][];
    const systems = Object.keys(Object.values(report.accounts[0]?.roles ?? {})[0]?.owners ?? {});
    expect(systems).toEqual(['hubspot', 'salesforce', 'zendesk']);
    expect(header).toEqual(['account', 'name', 'role', ...systems, 'decided', 'status']);

    // A spreadsheet would run a cell starting with = as a formula: it gets an apostrophe.
    const shown = (name: string) => (name === FORMULA ? `'${name}` : name);
    const expected = report.accounts.flatMap((a) =>
      Object.entries(a.roles).map(([role, r]) => [
        a.account,
        shown(a.name),
        role,
        ...systems.map((s) => r.owners[s as keyof typeof r.owners] ?? ''),
        r.decided ?? '',
        r.status,
      ]),
    );
    expect(rows).toEqual(expected);
    expect(rows.length).toBe(80);
    expect(rows.filter((r) => r[1] === `'${FORMULA}`)).toHaveLength(2);
    expect(rows.filter((r) => r[1] === QUOTED)).toHaveLength(2);
  });

  it('--csv with --json is a usage error (exit 2)', async () => {
    const r = await spoc(['report', '--csv', '--json', '-c', workspace.config], workspace.env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

const WORKFLOW = join(ROOT, 'examples/github-action.yml');

/** Runs a step's script as the runner's bash would (bash -e), from the repository root. */
function runStep(script: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', resolve);
  });
}

describe('examples/github-action.yml', () => {
  const workflow = parseYaml(readFileSync(WORKFLOW, 'utf8')) as {
    on: { pull_request: { paths: string[] } };
    env: { SPOC_CONFIG: string };
    permissions: Record<string, string>;
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const step = (pred: (s: Step) => boolean, what: string) => {
    const found = steps.find(pred);
    if (!found) throw new Error(`the workflow has no step that ${what}`);
    return found;
  };
  const validate = step(
    (s) => /spoc|main\.ts/.test(s.run ?? '') && /validate --offline -c/.test(s.run ?? ''),
    'validates',
  );
  const plan = step((s) => /plan --markdown -c/.test(s.run ?? ''), 'plans');
  const comment = step((s) => s.uses?.startsWith('marocchino/sticky-pull-request-comment@') === true, 'comments');

  it('runs on pull requests touching the config, with Node 24 and pnpm, actions pinned to a major version', () => {
    expect(workflow.on.pull_request.paths).toContain(workflow.env.SPOC_CONFIG);
    expect(workflow.permissions['pull-requests']).toBe('write');
    const uses = steps.flatMap((s) => (s.uses ? [s.uses] : []));
    for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    expect(uses.map((u) => u.split('@')[0])).toEqual(
      expect.arrayContaining(['actions/checkout', 'pnpm/action-setup', 'actions/setup-node']),
    );
    expect(step((s) => s.uses?.startsWith('actions/setup-node@') === true, 'sets up Node').with?.['node-version']).toBe(
      24,
    );
    // The order a run needs: install, validate, plan, comment.
    const at = (s: Step) => steps.indexOf(s);
    const install = step((s) => /pnpm install/.test(s.run ?? ''), 'installs');
    expect([at(install), at(validate), at(plan), at(comment)]).toEqual(
      [at(install), at(validate), at(plan), at(comment)].sort((a, b) => a - b),
    );
    // Secrets come from the repository's secrets, and only the plan gets them.
    expect(Object.values(plan.env ?? {}).every((v) => /^\$\{\{ secrets\.\w+ \}\}$/.test(v))).toBe(true);
    expect(Object.keys(plan.env ?? {})).toEqual(expect.arrayContaining(['HUBSPOT_TOKEN', 'SF_TOKEN', 'ZENDESK_TOKEN']));
    expect(validate.env).toBeUndefined();
    expect(comment.with?.path).toBe('${{ runner.temp }}/spoc-plan.md');
    expect(comment.with?.header).toBeTruthy();
  });

  it('its validate and plan scripts work: the comment file holds the plan, the exit code is handed on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoc-action-'));
    try {
      const env = {
        ...workspace.env,
        SPOC_CONFIG: workspace.config,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: join(dir, 'out'),
      };
      expect(await runStep(validate.run ?? '', env)).toBe(0);
      expect(await runStep(plan.run ?? '', env)).toBe(0);
      expect(readFileSync(join(dir, 'spoc-plan.md'), 'utf8').split('\n')[0]).toBe('### ✅ spoc plan: ok (dry run)');
      expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('exit=0\n');

      // A config that cannot be read still leaves a comment to post, and the code to fail on.
      const broken = { ...env, SPOC_CONFIG: join(dir, 'missing.yaml'), GITHUB_OUTPUT: join(dir, 'out2') };
      expect(await runStep(plan.run ?? '', broken)).toBe(0);
      expect(readFileSync(join(dir, 'spoc-plan.md'), 'utf8')).toContain('spoc plan: failed (exit 2)');
      expect(readFileSync(join(dir, 'out2'), 'utf8')).toBe('exit=2\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
