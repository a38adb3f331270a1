import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type ConfigProblem, readSecretFile } from '@spoc/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, MINIMAL_CONFIG as minimal, parseConfig, settingsOf } from '../../test/config.ts';

// Hostile and broken config input: each is a located ConfigError (exit 2), in bounded time.

const ENV = { HUBSPOT_TOKEN: 'hs-secret', SF_TOKEN: 'sf-secret' };
const FILE = '/etc/spoc/spoc.yaml';

function problems(run: () => unknown): ConfigProblem[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}
const problemsOf = (text: string, env: Record<string, string> = ENV) => problems(() => parseConfig(text, FILE, env));

describe('${file:PATH} secrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'spoc-secret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Loads the minimal config with the HubSpot token read from `ref`. */
  const withFile = (ref: string) => {
    const file = join(dir, 'spoc.yaml');
    writeFileSync(file, minimal.replace('${HUBSPOT_TOKEN}', `\${file:${ref}}`));
    return file;
  };
  const refused = (ref: string) => problems(() => loadConfig(withFile(ref), ENV));

  it('refuses a FIFO without opening it (an open would wait for a writer forever)', () => {
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(refused('pipe')).toEqual([
      {
        file: join(dir, 'spoc.yaml'),
        line: 4,
        col: 18,
        path: 'systems.hubspot.accessToken',
        message: `secret file ${join(dir, 'pipe')} is not a regular file (a FIFO)`,
      },
    ]);
  });

  it('refuses a device and a directory', () => {
    expect(refused('/dev/null')[0]?.message).toBe('secret file /dev/null is not a regular file (a device)');
    expect(refused('.')[0]?.message).toBe(`secret file ${dir} is not a regular file (a directory)`);
  });

  it('reads at most 64 KiB: a larger file is refused', () => {
    writeFileSync(join(dir, 'exact'), 'a'.repeat(64 * 1024));
    expect(settingsOf(loadConfig(withFile('exact'), ENV), 'hubspot').accessToken).toHaveLength(64 * 1024);
    writeFileSync(join(dir, 'big'), 'a'.repeat(64 * 1024 + 1));
    expect(refused('big')).toEqual([
      expect.objectContaining({ line: 4, message: `secret file ${join(dir, 'big')} is larger than 64 KiB` }),
    ]);
  });

  it('trims the file, and refuses one that is empty or holds a line break or control character', () => {
    writeFileSync(join(dir, 'ok'), '  pat-na1-abc \r\n');
    expect(settingsOf(loadConfig(withFile('ok'), ENV), 'hubspot').accessToken).toBe('pat-na1-abc');
    for (const [name, text, problem] of [
      ['empty', '', 'is empty'],
      ['blank', ' \n\n', 'is empty'],
      ['two-lines', 'pat-1\npat-2\n', 'holds a line break or another control character'],
      ['cr', 'pat-1\rX-Injected: 1', 'holds a line break or another control character'],
      ['bell', 'pat\u0007', 'holds a line break or another control character'],
    ]) {
      writeFileSync(join(dir, name as string), text as string);
      expect(refused(name as string)).toEqual([
        expect.objectContaining({
          line: 4,
          path: 'systems.hubspot.accessToken',
          message: `secret file ${join(dir, name as string)} ${problem}`,
        }),
      ]);
    }
  });

  it('names an unreadable file and one that does not exist', () => {
    expect(refused('nope')[0]?.message).toBe(`secret file ${join(dir, 'nope')} does not exist`);
    if (process.getuid?.() === 0) return; // root reads any file
    writeFileSync(join(dir, 'locked'), 'pat');
    chmodSync(join(dir, 'locked'), 0o000);
    expect(refused('locked')[0]?.message).toBe(`secret file ${join(dir, 'locked')} cannot be read (permission denied)`);
  });

  it('is exported for other readers of token files (the console)', () => {
    writeFileSync(join(dir, 'token'), 'console-token\n');
    expect(readSecretFile(join(dir, 'token'))).toEqual({ secret: 'console-token' });
    expect(readSecretFile(join(dir, 'missing'))).toEqual({ absent: true });
    expect(readSecretFile('/dev/zero')).toEqual({ problem: 'is not a regular file (a device)' });
  });
});

describe('${VAR} secrets', () => {
  it('refuses a value holding CR/LF or another control character, as it refuses an unset one', () => {
    for (const value of ['hs\r\nX-Injected: 1', 'hs\n', 'hs\u0000', 'hs\u007f']) {
      expect(problemsOf(minimal, { ...ENV, HUBSPOT_TOKEN: value })).toEqual([
        {
          file: FILE,
          line: 4,
          col: 18,
          path: 'systems.hubspot.accessToken',
          message: 'environment variable HUBSPOT_TOKEN holds a line break or another control character',
        },
      ]);
    }
    expect(problemsOf(minimal, { ...ENV, HUBSPOT_TOKEN: '' })[0]?.message).toBe(
      'environment variable HUBSPOT_TOKEN is not set',
    );
  });
});

describe('YAML aliases', () => {
  // Each level doubles nine times: 9^9 strings once expanded.
  const bomb = `${minimal}people:
  aliases:
    a@acme.com: &a [x@acme.com, x@acme.com, x@acme.com, x@acme.com, x@acme.com, x@acme.com, x@acme.com, x@acme.com, x@acme.com]
${[...'bcdefghi']
  .map((name, i) => {
    const prev = 'abcdefghi'[i];
    return `    ${name}@acme.com: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
  })
  .join('\n')}
`;

  it('refuses an alias bomb with its location, in bounded time', () => {
    const started = performance.now();
    const found = problemsOf(bomb);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(found).toEqual([
      expect.objectContaining({
        file: FILE,
        line: expect.any(Number),
        col: expect.any(Number),
        path: expect.stringMatching(/^people\.aliases\.[a-i]@acme\.com\.\d$/),
        message: expect.stringMatching(/expands the config beyond 100000 extra values/),
      }),
    ]);
    expect(found[0]?.line).toBeGreaterThan(14);
  });

  it('refuses more than 1,000 aliases, and uses a few legitimately', () => {
    const many = `${minimal}x-shared: &s { object: company }\nx-list:\n${'  - *s\n'.repeat(1_001)}`;
    expect(problemsOf(many)).toEqual([
      expect.objectContaining({ line: 1_016, col: 5, path: 'x-list.1000', message: 'more than 1000 YAML aliases' }),
    ]);
    const shared = minimal.replace(
      '    policy: { authority: salesforce }',
      '    policy: &decide { authority: salesforce }\n  csm:\n    fields: { salesforce: { object: Account, field: CSM__c } }\n    policy: *decide',
    );
    expect(parseConfig(shared, FILE, ENV).roles.map((r) => r.policy)).toEqual([
      { kind: 'authority', system: 'salesforce' },
      { kind: 'authority', system: 'salesforce' },
    ]);
  });

  it('names an alias without an anchor, and a duplicate key, where they are', () => {
    expect(problemsOf(`${minimal}schedule: *nowhere\n`)).toEqual([
      expect.objectContaining({ line: 14, col: 11, message: 'alias *nowhere has no anchor &nowhere before it' }),
    ]);
    expect(problemsOf(minimal.replace('roles:\n', 'roles:\n  account_owner: {}\n'))).toEqual([
      expect.objectContaining({
        line: 10,
        col: 3,
        path: 'roles.account_owner',
        message: 'duplicate key "account_owner"',
      }),
    ]);
  });
});

describe('a large people.aliases book', () => {
  it('validates 50,000 entries in well under 2 s (time linear in the file)', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `    p${i}@acme.com: [a${i}@acme.io]`);
    const text = `${minimal}people:\n  aliases:\n${lines.join('\n')}\n`;
    // CPU time, not wall time: other test files share the cores (about 0.8 s alone; before: 99 s).
    const started = process.cpuUsage();
    const config = parseConfig(text, FILE, ENV);
    const used = process.cpuUsage(started);
    expect((used.user + used.system) / 1_000).toBeLessThan(2_000);
    expect(config.aliases['a49999@acme.io']).toBe('p49999@acme.com');
  });
});

describe('vendor URLs', () => {
  const withUrl = (url: string, extra = '') =>
    minimal.replace('instanceUrl: https://acme.my.salesforce.com', `instanceUrl: ${url}${extra}`);

  it('must be absolute http(s) URLs, named where they are', () => {
    expect(problemsOf(withUrl('acme.my.salesforce.com'))).toEqual([
      {
        file: FILE,
        line: 6,
        col: 18,
        path: 'systems.salesforce.instanceUrl',
        message: 'is not an absolute URL (such as https://host/path)',
      },
    ]);
    expect(problemsOf(withUrl('ftp://acme.my.salesforce.com'))[0]?.message).toBe('must be an http(s) URL, not ftp:');
    expect(problemsOf(withUrl('https://me:pw@acme.my.salesforce.com'))[0]?.message).toMatch(/user name or password/);
  });

  it('refuses plain http beyond loopback unless the system allows it', () => {
    expect(problemsOf(withUrl('http://acme.my.salesforce.com'))).toEqual([
      expect.objectContaining({
        line: 6,
        path: 'systems.salesforce.instanceUrl',
        message:
          'plain http to acme.my.salesforce.com would send the credentials in clear: use https, or set allowInsecureHttp: true on this system',
      }),
    ]);
    const allowed = parseConfig(withUrl('http://crm.internal', '\n    allowInsecureHttp: true'), FILE, ENV);
    expect(settingsOf(allowed, 'salesforce').instanceUrl).toBe('http://crm.internal');
    for (const url of ['http://127.0.0.1:4010', 'http://localhost:4010/', 'http://[::1]:4010'])
      expect(settingsOf(parseConfig(withUrl(url), FILE, ENV), 'salesforce').instanceUrl).toBe(url.replace(/\/$/, ''));
  });

  it('checks baseUrl and loginUrl too, after ${VAR} resolution, and says nothing more of an unset one', () => {
    const text = minimal
      .replace('accessToken: ${HUBSPOT_TOKEN}', 'accessToken: ${HUBSPOT_TOKEN}\n    baseUrl: ${HUBSPOT_URL}')
      .replace('accessToken: ${SF_TOKEN}', 'accessToken: ${SF_TOKEN}\n    loginUrl: http://login.example.com');
    expect(problemsOf(text, { ...ENV, HUBSPOT_URL: 'http://10.0.0.5/hubspot' }).map((p) => [p.path, p.line])).toEqual([
      ['systems.hubspot.baseUrl', 5],
      ['systems.salesforce.loginUrl', 9],
    ]);
    expect(problemsOf(text, ENV).map((p) => p.message)).toEqual([
      'environment variable HUBSPOT_URL is not set',
      expect.stringMatching(/^plain http to login\.example\.com/),
    ]);
  });

  it('refuses a Zendesk subdomain that is not a host label', () => {
    const zendesk = `${minimal.replace('roles:', '  zendesk:\n    subdomain: acme.evil.example/x?\n    oauthToken: ${SF_TOKEN}\nroles:')}`;
    expect(problemsOf(zendesk)).toEqual([
      expect.objectContaining({
        line: 9,
        path: 'systems.zendesk.subdomain',
        message: expect.stringMatching(/letters, digits and dashes/),
      }),
    ]);
  });
});
