import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, spoc, startServing as startServingCommand } from './helpers.ts';

// /healthz, /readyz and /metrics of `spoc serve` and `spoc schedule --port`, after real
// syncs against the sandbox (real SDKs over HTTP, 429s injected): what /metrics counts
// must be what the runs' --json reports said.

interface Report {
  status: string;
  dryRun: boolean;
  changes: { system: string; role: string; result: string }[];
  calls: Record<string, { calls: number; retries: number; throttled: number }>;
}

const TOKEN = 'a-metrics-token-of-forty-characters-0001';
let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;
const reports: Report[] = [];
const children: ChildProcess[] = [];

async function sync(args: string[] = []): Promise<Report> {
  const result = await spoc(['sync', '--json', '-c', workspace.config, ...args], workspace.env);
  const report = JSON.parse(result.stdout) as Report;
  reports.push(report);
  return report;
}

beforeAll(async () => {
  // A few 429s, so the throttled counts are not all zero (the connectors retry them).
  sandbox = await startSandbox({
    emulators: EMULATORS,
    seed: demoSeed(),
    port: 0,
    rateLimits: false,
    faults: '429=0.1',
  });
  // Every tick of a schedule is a year apart: the test's runs are its own `spoc sync`s.
  workspace = demoWorkspace(sandbox, (yaml) => `${yaml}\nschedule: "0 0 1 1 *"\n`);
  expect((await sync()).status).toBe('ok');
  expect((await sync(['--dry-run'])).dryRun).toBe(true);
  expect((await sync()).changes).toEqual([]);
}, 120_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await sandbox?.close();
  rmSync(workspace.dir, { recursive: true, force: true });
});

/** Starts a long-running `spoc` command with the workspace's env; stopped after the tests. */
async function startServing(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ url: string; child: ChildProcess }> {
  const started = startServingCommand(args, { ...workspace.env, ...env });
  started.then(
    ({ child }) => children.push(child),
    () => {},
  );
  return started;
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  return child.exitCode ?? new Promise((resolve) => child.once('exit', resolve));
}

/** The text-format lines the reports imply, as prom-client writes them. */
function expectedLines(): string[] {
  const lines: string[] = [];
  const tally = (key: (r: Report) => string[]) => {
    const counts = new Map<string, number>();
    for (const r of reports) for (const k of key(r)) counts.set(k, (counts.get(k) ?? 0) + 1);
    return counts;
  };
  // Changes: syncs only (a dry run writes nothing).
  const changes = tally((r) =>
    r.dryRun ? [] : r.changes.map((c) => `{system="${c.system}",role="${c.role}",result="${c.result}"}`),
  );
  for (const [labels, n] of changes) lines.push(`spoc_changes_total${labels} ${n}`);
  const runs = tally((r) => [`{status="${r.status}",dry_run="${r.dryRun}"}`]);
  for (const [labels, n] of runs) lines.push(`spoc_runs_total${labels} ${n}`);
  for (const pick of ['calls', 'retries', 'throttled'] as const) {
    const sums = new Map<string, number>();
    for (const r of reports)
      for (const [system, s] of Object.entries(r.calls)) sums.set(system, (sums.get(system) ?? 0) + s[pick]);
    for (const [system, n] of sums) lines.push(`spoc_api_${pick}_total{system="${system}"} ${n}`);
  }
  return lines;
}

const metricLines = (text: string) => text.split('\n').filter((l) => /^spoc_(changes|runs|api_\w+)_total\{/.test(l));

describe('spoc serve: health and metrics', () => {
  it('/metrics counts what the syncs reported: writes per system, role and result, calls and 429s per system, runs by outcome', async () => {
    const { url, child } = await startServing(['serve', '-c', workspace.config, '--port', '0']);
    const scraped = await fetch(`${url}/metrics`);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(metricLines(text).sort()).toEqual(expectedLines().sort());
    // The first sync wrote, through real connectors that made real calls.
    expect(text).toMatch(/^spoc_changes_total\{system="hubspot",role="\w+",result="written"\} [1-9]/m);
    expect(text).toMatch(/^spoc_api_calls_total\{system="salesforce"\} [1-9]/m);
    expect(text).toMatch(/^spoc_last_success_age_seconds \d/m);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, failing: [] });
    expect(await stop(child)).toBe(0);
  });
});

describe('spoc schedule --port: the same endpoints beside the scheduler', () => {
  it('serves /healthz, /readyz and /metrics (this one behind the console token) from the store the syncs wrote', async () => {
    const { url, child } = await startServing(['schedule', '-c', workspace.config, '--port', '0'], {
      SPOC_CONSOLE_TOKEN: TOKEN,
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const scraped = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(metricLines(await scraped.text()).sort()).toEqual(expectedLines().sort());
    // A run made elsewhere while it serves is counted at the next scrape.
    await sync(['--dry-run']);
    const again = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(metricLines(await again.text()).sort()).toEqual(expectedLines().sort());
    expect(await stop(child)).toBe(0);
  });

  it('refuses to serve beyond loopback without a token, and a port that is not one: exit 2 before any run', async () => {
    const open = await spoc(['schedule', '-c', workspace.config, '--port', '0', '--host', '0.0.0.0'], workspace.env);
    expect(open.code).toBe(2);
    expect(open.stderr).toBe('spoc schedule: the console bound to 0.0.0.0 needs a token: set SPOC_CONSOLE_TOKEN\n');
    const bad = await spoc(['schedule', '-c', workspace.config, '--port', 'eighty'], workspace.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port eighty is not a port');
  });
});
