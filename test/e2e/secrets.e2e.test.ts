import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spoc } from './helpers.ts';

// Credentials as vendors issue them, some with characters that URL-encoding changes.
const SECRETS = {
  HS_TOKEN: 'pat-na1-5d2f8c3e-71aa-4b0e-9c1d-2e3f4a5b6c7d',
  SF_TOKEN: '00D5g000004XyZa!AQ0AQH7w3kLmNoPqRsTuVwXyZ.abc',
  SF_REFRESH: '5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJ.9oG4s',
  SF_SECRET: 'E8F1C2+9A7/3B6D5==C4',
  ZD_TOKEN: 'zdK7pQ2mX9vR4tY8wB3nL6sJ1hG5fD0a',
};
const ZD_EMAIL = 'ops@acme.test';
const SF_CLIENT = '3MVG9spoc.client.id';

/** Every form a secret could leak in: as is, URL-encoded, base64 (bare, and the Basic pairs vendors use). */
function leakForms(): string[] {
  const b64 = (text: string) => [
    Buffer.from(text).toString('base64'),
    Buffer.from(text).toString('base64').replace(/=+$/, ''),
    Buffer.from(text).toString('base64url'),
  ];
  return [
    ...Object.values(SECRETS).flatMap((s) => [s, encodeURIComponent(s), ...b64(s)]),
    ...b64(`${ZD_EMAIL}/token:${SECRETS.ZD_TOKEN}`),
    ...b64(`${ZD_EMAIL}:${SECRETS.ZD_TOKEN}`),
    ...b64(`${SF_CLIENT}:${SECRETS.SF_SECRET}`),
  ];
}

let server: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

/**
 * A vendor (or a proxy in front of it) that answers every call with `status` and a body
 * repeating the request: its Authorization header, its query and its body, in each
 * vendor's error shape so the text reaches spoc's error messages.
 */
async function echoingVendor(status: number): Promise<string> {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const echo = `invalid credentials. Authorization: ${request.headers.authorization ?? '-'} url: ${request.url} body: ${body}`;
      const url = request.url ?? '';
      const payload = url.includes('/oauth2/token')
        ? { error: 'invalid_grant', error_description: echo }
        : url.includes('/services/data')
          ? [{ message: echo, errorCode: status === 401 ? 'INVALID_SESSION_ID' : 'SERVER_ERROR' }]
          : { message: echo, error: echo, description: echo, status: 'error', category: 'INVALID_AUTHENTICATION' };
      response.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
      response.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function workspace(url: string) {
  dir = mkdtempSync(join(tmpdir(), 'spoc-secrets-'));
  const config = join(dir, 'spoc.yaml');
  writeFileSync(
    config,
    `version: 1
systems:
  hubspot: { accessToken: "\${HS_TOKEN}", baseUrl: "${url}" }
  salesforce:
    instanceUrl: "${url}"
    loginUrl: "${url}"
    accessToken: "\${SF_TOKEN}"
    refreshToken: "\${SF_REFRESH}"
    clientId: ${SF_CLIENT}
    clientSecret: "\${SF_SECRET}"
  zendesk: { baseUrl: "${url}/api/v2", email: ${ZD_EMAIL}, apiToken: "\${ZD_TOKEN}" }
roles:
  account_owner:
    fields:
      hubspot: { object: company, property: hubspot_owner_id }
      salesforce: { object: Account, field: OwnerId }
      zendesk: { object: organization, field: account_manager, value: user_id }
    policy: { authority: salesforce }
state: { sqlite: state.db }
`,
  );
  return { dir, config, env: { ...SECRETS, SPOC_LOG_LEVEL: 'debug' } };
}

/** The state file's bytes and its companions (WAL, backups). */
function stateBytes(folder: string): string {
  const files = ['state.db', 'state.db-wal'].map((f) => join(folder, f));
  const backups = join(folder, 'backups');
  if (existsSync(backups)) files.push(...readdirSync(backups).map((f) => join(backups, f)));
  return files
    .filter(existsSync)
    .map((f) => readFileSync(f).toString('latin1'))
    .join('\n');
}

describe('a vendor error echoing the credentials', () => {
  it.each([
    [401, 2],
    [500, 2],
  ])('(HTTP %i) leaves no secret in stdout, stderr or the state file, in any encoding', async (status, exit) => {
    const url = await echoingVendor(status);
    const w = workspace(url);
    const [sync, report, text] = await Promise.all([
      spoc(['sync', '--json', '-c', w.config], w.env),
      spoc(['report', '-c', w.config], w.env),
      spoc(['plan', '-c', w.config], w.env),
    ]);

    expect(sync.code).toBe(exit);
    expect(JSON.parse(sync.stdout)).toMatchObject({ status: 'failed' });
    const everything = [sync, report, text].flatMap((r) => [r.stdout, r.stderr]).join('\n');
    const stored = stateBytes(w.dir);
    for (const form of leakForms()) {
      expect(everything, form).not.toContain(form);
      expect(stored, form).not.toContain(form);
    }
    // The echo did reach spoc's output and the store (masked): the test sees what a user would.
    expect(everything).toContain('Authorization: Basic ');
    expect(everything).toContain('Authorization: Bearer ');
    expect(everything).toContain('[redacted]');
    expect(stored).toContain('invalid credentials');
  });
});
