import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, spoc } from './helpers.ts';

// `spoc validate` on hostile or broken input, and `--offline`: exit 2 with FILE:LINE:COL,
// no stack trace, in bounded time; no vendor is needed.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spoc-input-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const demo = readFileSync(join(ROOT, 'config/spoc.demo.yaml'), 'utf8');
const SANDBOX_ENV = {
  SPOC_SANDBOX_HUBSPOT: 'http://127.0.0.1:4010',
  SPOC_SANDBOX_SALESFORCE: 'http://127.0.0.1:4011',
  SPOC_SANDBOX_ZENDESK: 'http://127.0.0.1:4012',
  SPOC_SANDBOX_SLACK: 'http://127.0.0.1:4015',
  SPOC_SANDBOX_SLACK_TOKEN: 'xoxb-t',
  SPOC_SANDBOX_TEAMS_WEBHOOK: 'http://127.0.0.1:4016/workflows/spoc/triggers/manual/paths/invoke',
};
/** No secret and no sandbox address set, whatever the test runner's environment holds. */
const UNSET = {
  SPOC_DEMO_TOKEN: '',
  SPOC_SANDBOX_HUBSPOT: '',
  SPOC_SANDBOX_SALESFORCE: '',
  SPOC_SANDBOX_ZENDESK: '',
  SPOC_SANDBOX_SLACK: '',
  SPOC_SANDBOX_SLACK_TOKEN: '',
  SPOC_SANDBOX_TEAMS_WEBHOOK: '',
  SPOC_DEMO_STATE: '',
};

function config(text: string): string {
  const file = join(dir, 'spoc.yaml');
  writeFileSync(file, text);
  return file;
}
const noStack = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('spoc validate --offline', () => {
  it('passes a config whose secrets are not set here, listing them; without --offline they are errors', async () => {
    const file = config(demo);
    const offline = await spoc(['validate', '--offline', '-c', file], UNSET);
    expect(offline.stdout).toBe(
      [
        `${file}: structure valid (systems: hubspot, salesforce, zendesk; roles: account_owner, csm)`,
        'not provided here, so not checked:',
        '  systems.hubspot.accessToken: ${SPOC_DEMO_TOKEN}',
        '  systems.hubspot.baseUrl: ${SPOC_SANDBOX_HUBSPOT}',
        '  systems.salesforce.instanceUrl: ${SPOC_SANDBOX_SALESFORCE}',
        '  systems.salesforce.accessToken: ${SPOC_DEMO_TOKEN}',
        '  systems.zendesk.baseUrl: ${SPOC_SANDBOX_ZENDESK}',
        '  systems.zendesk.apiToken: ${SPOC_DEMO_TOKEN}',
        '  state.sqlite: ${SPOC_DEMO_STATE}',
        '  notify.channels.0.slack.token: ${SPOC_SANDBOX_SLACK_TOKEN}',
        '  notify.channels.0.slack.apiUrl: ${SPOC_SANDBOX_SLACK}',
        '  notify.channels.1.slack.token: ${SPOC_SANDBOX_SLACK_TOKEN}',
        '  notify.channels.1.slack.apiUrl: ${SPOC_SANDBOX_SLACK}',
        '  notify.channels.2.teams.webhookUrl: ${SPOC_SANDBOX_TEAMS_WEBHOOK}',
        '',
      ].join('\n'),
    );
    expect(offline.code).toBe(0);
    const online = await spoc(['validate', '-c', file], UNSET);
    expect(online.code).toBe(2);
    expect(online.stderr).toContain(
      `${file}:8:18 systems.hubspot.accessToken: environment variable SPOC_DEMO_TOKEN is not set`,
    );
  });

  it('still refuses everything else: structure, a literal token, a secret that is set but unusable, a bad URL', async () => {
    const file = config(
      demo
        .replace('policy: { authority: salesforce }', 'policy: { authority: jira }')
        .replace('apiToken: ${SPOC_DEMO_TOKEN}', 'apiToken: zd-literal-token')
        .replace('baseUrl: ${SPOC_SANDBOX_HUBSPOT}', 'baseUrl: http://hubspot.example.com'),
    );
    const result = await spoc(['validate', '--offline', '-c', file], UNSET);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:16:15 systems.zendesk.apiToken: secrets must come from the environment`);
    expect(result.stderr).toMatch(new RegExp(`${file}:\\d+:\\d+ roles\\.account_owner\\.policy`));
    noStack(result.stderr);

    const secretSet = config(demo.replace('baseUrl: ${SPOC_SANDBOX_HUBSPOT}', 'baseUrl: http://hubspot.example.com'));
    const bad = await spoc(['validate', '--offline', '-c', secretSet], {
      ...UNSET,
      SPOC_DEMO_TOKEN: 'tok\r\nX-Injected: 1',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').filter(Boolean)).toEqual([
      `${secretSet}:8:18 systems.hubspot.accessToken: environment variable SPOC_DEMO_TOKEN holds a line break or another control character`,
      `${secretSet}:9:14 systems.hubspot.baseUrl: plain http to hubspot.example.com would send the credentials in clear: use https, or set allowInsecureHttp: true on this system`,
      `${secretSet}:12:18 systems.salesforce.accessToken: environment variable SPOC_DEMO_TOKEN holds a line break or another control character`,
      `${secretSet}:16:15 systems.zendesk.apiToken: environment variable SPOC_DEMO_TOKEN holds a line break or another control character`,
    ]);
  });
});

describe('spoc validate on hostile input', () => {
  it('refuses a FIFO secret file without waiting on it (exit 2, located)', async () => {
    execFileSync('mkfifo', [join(dir, 'token')]);
    const file = config(
      demo.replace('accessToken: ${SPOC_DEMO_TOKEN}\n    baseUrl', 'accessToken: ${file:token}\n    baseUrl'),
    );
    const result = await spoc(['validate', '-c', file], {
      ...SANDBOX_ENV,
      SPOC_DEMO_TOKEN: 't',
      SPOC_DEMO_STATE: 'x.db',
    });
    expect(result.stderr).toBe(
      `${file}:8:18 systems.hubspot.accessToken: secret file ${join(dir, 'token')} is not a regular file (a FIFO)\n`,
    );
    expect(result.code).toBe(2);
  });

  it('refuses an alias bomb with its location (exit 2, no stack), fast', async () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of [...'bcdefghi'].entries()) {
      const prev = 'abcdefghi'[i];
      levels.push(
        `${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    const file = config(`${demo}x-bomb:\n${levels.map((l) => `  ${l}`).join('\n')}\n`);
    const started = Date.now();
    const result = await spoc(['validate', '-c', file], {
      ...SANDBOX_ENV,
      SPOC_DEMO_TOKEN: 't',
      SPOC_DEMO_STATE: 'x.db',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^${file}:\\d+:\\d+ x-bomb\\.[a-i]\\.\\d: alias \\*[a-h] expands the config beyond 100000 extra values\\n$`,
      ),
    );
    noStack(result.stderr);
  });

  it('validates a book of 50,000 people.aliases entries in a couple of seconds', async () => {
    const aliases = Array.from({ length: 50_000 }, (_, i) => `    p${i}@acme.com: [a${i}@acme.io]`).join('\n');
    const file = config(demo.replace('accounts:', `people:\n  aliases:\n${aliases}\n\naccounts:`));
    const started = Date.now();
    const result = await spoc(['validate', '-c', file], {
      ...SANDBOX_ENV,
      SPOC_DEMO_TOKEN: 't',
      SPOC_DEMO_STATE: 'x.db',
    });
    // About 1.4 s alone, process start included; the bound leaves room for a busy machine
    // (quadratic before: over a minute).
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(result.stdout).toBe(`${file}: valid (systems: hubspot, salesforce, zendesk; roles: account_owner, csm)\n`);
    expect(result.code).toBe(0);
  });
});
