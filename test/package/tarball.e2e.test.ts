import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { EMULATORS } from '@spoc/cli';
import { demoSeed, startSandbox } from '@spoc/sandbox';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, postgresUrl } from '../postgres/index.ts';
import { tenantConfigYaml } from '../workers/tenant-world.ts';
import { PACKAGE_SCRIPT } from './package-script.ts';

/**
 * The installable package as a user gets it: `pnpm package` (scripts/package.ts, the
 * script the Dockerfile's build stage runs), `npm install <tarball>` into an empty
 * folder from the npm registry, then the `spoc` it installs.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const exec = promisify(execFile);
// The Node running the tests runs the installed bin (`#!/usr/bin/env node`) and npm.
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  SPOC_LOG_LEVEL: 'warn',
};
const run = (file: string, args: string[], cwd: string) =>
  exec(file, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
/** `npx --no`: the installed bin or nothing, never a download; `--`: `--version` is the bin's, not npm's. */
const spoc = (args: string[]) => run('npx', ['--no', '--', 'spoc', ...args], prefix);

let tarball = '';
let prefix = '';
let installed = '';

beforeAll(async () => {
  const packed = await run(process.execPath, [PACKAGE_SCRIPT], ROOT);
  tarball = packed.stdout.trim().split('\n').at(-1) ?? '';
  prefix = mkdtempSync(join(tmpdir(), 'spoc-install-'));
  // A package.json of its own, so npm installs here and not into a folder above.
  writeFileSync(join(prefix, 'package.json'), '{ "private": true }\n');
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], prefix);
  installed = join(prefix, 'node_modules/@spoc/cli');
}, 600_000);

afterAll(() => {
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

describe('the @spoc/cli tarball', () => {
  it('is a package of JavaScript with registry dependencies only, no TypeScript needed', () => {
    expect(tarball).toMatch(/spoc-cli-\d+\.\d+\.\d+\.tgz$/);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const cli = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: '@spoc/cli', version: cli.version, bin: { spoc: 'dist/main.js' } });
    expect(manifest.engines).toEqual({ node: '>=22.18' });
    expect(manifest.private).toBeUndefined();
    const deps = Object.entries(manifest.dependencies as Record<string, string>);
    expect(deps.map(([name]) => name)).toEqual(expect.arrayContaining(['commander', 'fastify', 'jsforce', 'pino']));
    for (const [name, version] of deps) {
      expect(name, 'a workspace package is bundled, not a dependency').not.toMatch(/^@spoc\//);
      expect(version, name).toMatch(/^\d+\.\d+\.\d+(?:-[\w.]+)?$/);
    }
    expect(readFileSync(join(installed, 'dist/main.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    const files = readdirSync(installed, { recursive: true, encoding: 'utf8' });
    expect(files.filter((f) => /\.[cm]?ts$/.test(f))).toEqual([]);
    expect(files).toContain(join('dist', 'migrations', '001-initial.sql'));
    expect(existsSync(join(prefix, 'node_modules/typescript'))).toBe(false);
  });

  it('the build emitted type declarations for every workspace package entry point', () => {
    const dirs = ['core', 'packages', 'connectors'].flatMap((top) =>
      top === 'core' ? ['core'] : readdirSync(join(ROOT, top)).map((d) => `${top}/${d}`),
    );
    const entries = dirs.flatMap((dir) => {
      const { exports } = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
      return Object.values(exports as Record<string, string>).map((e) => join(dir, e.replace(/\.ts$/, '.d.ts')));
    });
    expect(entries.length).toBeGreaterThan(15);
    expect(entries.filter((e) => !existsSync(join(ROOT, 'dist/types', e)))).toEqual([]);
  });

  it('spoc --version prints the package version', async () => {
    const { stdout } = await spoc(['--version']);
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version);
  });

  it('spoc demo runs the whole story offline and exits 0', async () => {
    const { stdout } = await spoc(['demo']);
    expect(stdout).toContain(`Config:  ${join(installed, 'dist/config/spoc.demo.yaml')}`);
    expect(stdout).toMatch(/^plan r_\S+: ok \(dry run\)$/m);
    expect(stdout).toMatch(/== 2\. Sync: Salesforce decides the account owner/);
    // The first sync writes the drift away, and the cascades follow.
    expect(stdout).toMatch(
      /^sync r_\S+: ok\n {2}accounts 40; account-roles changing [1-9]\d* of 80 in scope; writes [1-9]/m,
    );
    expect(stdout).toMatch(/== 2b\. Slack #handovers: \d+ handover notice\(s\) posted/);
    // A human's CSM edit in HubSpot is carried to the other systems…
    expect(stdout).toMatch(/== 4\. A human reassigns the CSM of company \S+ in HubSpot/);
    expect(stdout).toMatch(/^\S+\s+csm\s+salesforce\s+\S+@acme\.test\s+propagate$/m);
    // …and the last sync has nothing left to do.
    const last = stdout.slice(stdout.indexOf('== 5. Sync again'));
    expect(last).toMatch(/account-roles changing 0 of 80 in scope; writes 0 \(written 0, failed 0\)/);
  }, 180_000);

  it.skipIf(!postgresUrl())(
    'spoc sync keeps its state in Postgres (the bundled worker thread and migrations)',
    async () => {
      const sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
      try {
        writeFileSync(join(prefix, 'bundled.yaml'), tenantConfigYaml(sandbox.urls));
        const database = await freshDatabase();
        const { stdout } = await exec('npx', ['--no', '--', 'spoc', 'sync', '--json', '-c', 'bundled.yaml'], {
          cwd: prefix,
          env: { ...env, SPOC_DEMO_TOKEN: 't', SPOC_TEST_STATE_URL: database },
          encoding: 'utf8',
        });
        expect(JSON.parse(stdout)).toMatchObject({ status: 'ok', counts: { failed: 0 } });
        const client = new pg.Client({ connectionString: database });
        await client.connect();
        try {
          const runs = await client.query('SELECT status FROM spoc_bundled.runs');
          expect(runs.rows).toEqual([{ status: 'ok' }]);
        } finally {
          await client.end();
        }
      } finally {
        await sandbox.close();
      }
    },
    120_000,
  );

  it('spoc serve starts the console from the shipped example config', async () => {
    copyFileSync(join(installed, 'dist/config/spoc.example.yaml'), join(prefix, 'spoc.yaml'));
    const secrets = {
      HUBSPOT_TOKEN: 't',
      SF_TOKEN: 't',
      PIPEDRIVE_TOKEN: 't',
      ZENDESK_TOKEN: 't',
      FRESHDESK_API_KEY: 't',
    };
    // The bin npm linked, run without npx in between, so SIGTERM reaches it.
    const child = spawn(join(prefix, 'node_modules/.bin/spoc'), ['serve', '-c', 'spoc.yaml', '--port', '0'], {
      cwd: prefix,
      env: { ...env, ...secrets },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => {
          out += d;
          const line = out.split('\n')[0];
          if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
        });
        child.stderr.on('data', (d) => {
          err += d;
        });
        child.on('exit', (code) => reject(new Error(`spoc serve exited ${code}: ${err}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html');
      expect(existsSync(join(prefix, '.spoc/state.db'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
