import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '@spoc/sandbox';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/src/main.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `spoc` binary as a user would (a child process). */
export function spoc(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd,
      env: { ...process.env, SPOC_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A working directory holding the demo config pointed at a running sandbox. */
export function demoWorkspace(
  sandbox: Sandbox,
  edit: (yaml: string) => string = (y) => y,
): { dir: string; config: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'spoc-e2e-'));
  const config = join(dir, 'spoc.yaml');
  writeFileSync(config, edit(readFileSync(join(ROOT, 'config/spoc.demo.yaml'), 'utf8')));
  const env = {
    SPOC_DEMO_TOKEN: 'e2e-token',
    SPOC_SANDBOX_HUBSPOT: sandbox.urls.hubspot,
    SPOC_SANDBOX_SALESFORCE: sandbox.urls.salesforce,
    SPOC_SANDBOX_ZENDESK: sandbox.urls.zendesk,
    SPOC_DEMO_STATE: join(dir, 'state.db'),
  };
  return { dir, config, env };
}

/** GET a sandbox API path as a vendor client would, returning the JSON body. */
export async function vendorGet(base: string, path: string, auth: string): Promise<unknown> {
  const response = await fetch(`${base}${path}`, { headers: { authorization: auth } });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}
