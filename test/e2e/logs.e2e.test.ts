import { rmSync } from 'node:fs';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { demoWorkspace, spoc } from './helpers.ts';

let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;

beforeEach(async () => {
  // Records the connectors reject, so the warning lines are logged too, not only the happy path.
  const seed = demoSeed();
  const org = seed.zendesk?.organizations[0] ?? {};
  seed.zendesk?.organizations.push({
    ...org,
    id: 990001,
    name: 'Bad Corp',
    external_id: 7,
    domain_names: ['bad.test'],
  });
  seed.salesforce?.User.push({
    Id: '005000000000BAD',
    Email: 'bad@acme.test',
    IsActive: 'yes',
    Name: 'Bad',
    UserType: 'Standard',
  });
  sandbox = await startSandbox({ emulators: EMULATORS, seed, port: 0, rateLimits: false });
  workspace = demoWorkspace(sandbox);
});
afterEach(async () => {
  await sandbox.close();
  rmSync(workspace.dir, { recursive: true, force: true });
});

/** Every JSON log line's duplicate keys (JSON is YAML: the YAML parser refuses a repeated key). */
function duplicateKeys(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      const doc = parseDocument(line, { uniqueKeys: true });
      return doc.errors.map((e) => `${e.code}: ${line}`);
    });
}

describe('JSON log lines', () => {
  it('a real sync at debug level (non-TTY: JSON lines) repeats no key in any line', async () => {
    const { code, stderr } = await spoc(['sync', '-c', workspace.config], {
      ...workspace.env,
      SPOC_LOG_LEVEL: 'debug',
    });
    if (code !== 0) console.log(stderr);
    expect(code).toBe(0);
    expect(stderr).toContain('record rejected');
    expect(stderr).toContain('Salesforce User rejected');
    const lines = stderr.split('\n').filter((l) => l.startsWith('{'));
    // The run logs each system's read and each cascade: enough lines to have looked at.
    expect(lines.length).toBeGreaterThan(5);
    expect(duplicateKeys(stderr)).toEqual([]);
  });

  it('--log-level overrides SPOC_LOG_LEVEL, and a bad level is a usage error', async () => {
    const quiet = await spoc(['--log-level', 'error', 'sync', '-c', workspace.config], {
      ...workspace.env,
      SPOC_LOG_LEVEL: 'debug',
    });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');

    const bad = await spoc(['sync', '--log-level', 'loud', '-c', workspace.config], workspace.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('loud');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help names --log-level and SPOC_LOG_LEVEL', async () => {
    const { code, stdout } = await spoc(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--log-level');
    expect(stdout).toContain('SPOC_LOG_LEVEL');
  });
});
