import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spoc } from './helpers.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A config whose vendors are never reached: the state file is refused before any call. */
function workspace(statePath: string) {
  dir = mkdtempSync(join(tmpdir(), 'spoc-state-'));
  const config = join(dir, 'spoc.yaml');
  writeFileSync(
    config,
    `version: 1
systems:
  hubspot: { accessToken: "\${T}", baseUrl: "http://127.0.0.1:9" }
roles:
  account_owner:
    fields:
      hubspot: { object: company, property: hubspot_owner_id }
    policy: { authority: hubspot }
state: { sqlite: "${statePath}" }
`,
  );
  return { dir, config, env: { T: 'state-file-token' } };
}

const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('the state file, through the CLI', () => {
  it('a folder that cannot be created: exit 2 at once, naming it', async () => {
    const w = workspace('/proc/nope/state.db');
    const started = Date.now();
    const result = await spoc(['plan', '-c', w.config], w.env);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot create the folder /proc/nope for the state file /proc/nope/state.db');
    expect(result.stdout).toBe('');
    noStack(result.stderr);
  });

  it.each([['sync'], ['report'], ['history', 'acme']])(
    'an empty (0-byte) state file: `%s` exits 2 naming it and leaves it as it was',
    async (...args) => {
      const w = workspace('state/state.db');
      mkdirSync(join(w.dir, 'state'));
      const file = join(w.dir, 'state', 'state.db');
      writeFileSync(file, '');
      const result = await spoc([...args, '-c', w.config], w.env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`the state file ${file} is empty (0 bytes)`);
      expect(result.stderr).toContain('If this is a new install, delete the empty file.');
      noStack(result.stderr);
      expect(statSync(file).size).toBe(0);
      expect(readdirSync(join(w.dir, 'state'))).toEqual(['state.db']);
    },
  );

  it('a damaged state file: exit 2 naming it and the backup to restore', async () => {
    const w = workspace('state.db');
    // The first command creates the state file; the next one takes the day's backup of it.
    for (let i = 0; i < 2; i++) {
      const opened = await spoc(['history', 'acme', '-c', w.config], w.env);
      expect(opened.stderr).toContain('no account matches "acme"');
    }
    const file = join(w.dir, 'state.db');
    const backups = join(w.dir, 'backups');
    const [backup] = readdirSync(backups);
    expect(backup).toMatch(/^state\.\d{4}-\d{2}-\d{2}\.db$/);
    writeFileSync(file, 'not a database\n'.repeat(1000));

    const result = await spoc(['sync', '--json', '-c', w.config], w.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the state file ${file} is damaged`);
    expect(result.stderr).toContain(
      `cp '${join(backups, backup ?? '')}' '${file}' && rm -f '${file}-wal' '${file}-shm'`,
    );
    noStack(result.stderr);
  });
});
