import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT, spoc } from './helpers.ts';

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

/** `spoc sandbox ARGS` until its ready line: the URLs it prints, in order. */
async function serve(args: string[]): Promise<Record<string, string>> {
  const started = spawn(process.execPath, [join(ROOT, 'packages/cli/src/main.ts'), 'sandbox', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = started;
  const lines = createInterface({ input: started.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    started.once('exit', (code) => reject(new Error(`spoc sandbox exited with ${code}`)));
  });
  return JSON.parse(first) as Record<string, string>;
}

/** A port free a moment ago (the sandbox binds it and the next one). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const stats = async (url: string) => (await fetch(`${url}/__sandbox/stats`)).status;

describe('spoc sandbox', () => {
  it('serves every system by default: its ready line keeps hubspot, salesforce and zendesk first, then pipedrive and freshdesk, then the chat tools', async () => {
    const urls = await serve(['--port', '0', '--accounts', '10']);
    expect(Object.keys(urls)).toEqual(['hubspot', 'salesforce', 'zendesk', 'pipedrive', 'freshdesk', 'slack', 'teams']);
    for (const url of Object.values(urls)) expect(await stats(url)).toBe(200);
  });

  it('--systems serves only the systems named, on consecutive ports in the order named', async () => {
    const base = await freePort();
    const urls = await serve(['--port', String(base), '--accounts', '10', '--systems', 'zendesk,hubspot']);
    expect(urls).toEqual({ zendesk: `http://127.0.0.1:${base}`, hubspot: `http://127.0.0.1:${base + 1}` });
    // The HubSpot emulator answers HubSpot's API on its port.
    const owners = await fetch(`${urls.hubspot}/crm/v3/owners/?limit=1`, { headers: { authorization: 'Bearer t' } });
    expect(owners.status).toBe(200);
  });

  it('refuses an unknown or repeated system with exit 2 and names the known ones, serving nothing', async () => {
    const unknown = await spoc(['sandbox', '--systems', 'hubspot,jira']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'spoc sandbox: --systems: unknown system "jira" (known: hubspot, salesforce, zendesk, pipedrive, freshdesk, slack, teams)\n',
    );
    expect(unknown.stdout).toBe('');
    const twice = await spoc(['sandbox', '--systems', 'zendesk,zendesk']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toBe('spoc sandbox: --systems names zendesk twice\n');
  });
});
