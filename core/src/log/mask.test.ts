import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import { memoryRegistry } from '../testing/memory-definitions.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';
import { configMask, configSecrets, maskDeep, secretMask } from './mask.ts';

const SECRET = 'sk_live_Zq8pR2vX9mT4wY7n';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('secretMask', () => {
  const mask = secretMask([SECRET]);

  it('masks the secret itself, URL-encoded and JSON-escaped', () => {
    expect(mask(`401: token ${SECRET} rejected`)).toBe('401: token [redacted] rejected');
    const odd = 'a"b\\c d/e+f&g';
    const oddMask = secretMask([odd]);
    expect(oddMask(`?secret=${encodeURIComponent(odd)}&x=1`)).toBe('?secret=[redacted]&x=1');
    expect(oddMask(JSON.stringify({ echoed: odd }))).toBe('{"echoed":"[redacted]"}');
    expect(JSON.parse(oddMask(JSON.stringify({ echoed: `x${odd}y` })))).toEqual({ echoed: 'x[redacted]y' });
  });

  // What vendors and proxies echo: `Authorization: Basic base64(user:secret)`, whatever the user part.
  it.each([
    ['the bare secret', SECRET],
    ['an email/token Basic pair', `ops@acme.test/token:${SECRET}`],
    ['an email:token Basic pair', `ops@acme.test:${SECRET}`],
    ['a client id:secret Basic pair', `3MVG9A2kN8Bx_client:${SECRET}`],
    ['a one-character user', `u:${SECRET}`],
    ['a two-character user', `us:${SECRET}`],
  ])('masks %s in base64 and base64url, padded or not, wherever it stands in the text', (_what, credential) => {
    for (const encoded of [b64(credential), b64(credential).replace(/=+$/, ''), b64url(credential)]) {
      const text = `<h1>401</h1><p>Authorization: Basic ${encoded}</p> {"auth":"Basic ${encoded}"}`;
      const masked = mask(text);
      expect(masked).not.toContain(encoded);
      // The characters of the blob that encode the secret's bytes alone are gone.
      const before = Buffer.byteLength(credential) - Buffer.byteLength(SECRET);
      const own = encoded.slice(Math.ceil((before * 8) / 6), Math.floor(((before + SECRET.length) * 8) / 6));
      expect(own.length).toBeGreaterThan(20);
      for (let i = 0; i + 6 <= own.length; i++) expect(masked).not.toContain(own.slice(i, i + 6));
      expect(masked).toContain('[redacted]');
    }
  });

  it('masks a secret followed by other bytes inside one blob (the part that depends on the secret alone)', () => {
    const encoded = b64(`id:${SECRET}:more-data-after`);
    const masked = mask(`Basic ${encoded}`);
    expect(masked).not.toContain(encoded);
    expect(masked).toMatch(/^Basic .*\[redacted\]/);
  });

  it('leaves ordinary text alone and ignores empty or very short secrets', () => {
    expect(mask('nothing to see: 42 accounts, dXNlcjpwYXNz')).toBe('nothing to see: 42 accounts, dXNlcjpwYXNz');
    expect(secretMask(['', 'ab'])('ab cd')).toBe('ab cd');
  });

  it('masks a secret that contains another one whole', () => {
    expect(secretMask(['abcd1234', 'abcd1234wxyz'])('x abcd1234wxyz y')).toBe('x [redacted] y');
  });
});

describe('configSecrets', () => {
  it("takes the secrets each system's definition names in its settings, and nothing else", () => {
    const config = parseConfig(memoryWorldYaml('/tmp/state.db'), '/etc/spoc/spoc.yaml', memoryRegistry(), {
      T: SECRET,
    });
    expect(configSecrets(config)).toEqual([SECRET, SECRET, SECRET]);
  });

  it('gives a mask for the config (URLs, emails and paths stay readable)', () => {
    const config = parseConfig(memoryWorldYaml('/tmp/state.db'), '/etc/spoc/spoc.yaml', memoryRegistry(), {
      T: SECRET,
    });
    expect(configMask(config)(`GET http://127.0.0.1:9 as ops@acme.test with ${SECRET} → /tmp/state.db`)).toBe(
      'GET http://127.0.0.1:9 as ops@acme.test with [redacted] → /tmp/state.db',
    );
  });
});

describe('maskDeep', () => {
  it('masks every string of a report, keys and other values untouched', () => {
    const mask = secretMask([SECRET]);
    const report = { status: 'failed', counts: { changes: 0 }, message: `bad ${SECRET}`, list: [`${SECRET}`, 3, null] };
    expect(maskDeep(report, mask)).toEqual({
      status: 'failed',
      counts: { changes: 0 },
      message: 'bad [redacted]',
      list: ['[redacted]', 3, null],
    });
  });
});
