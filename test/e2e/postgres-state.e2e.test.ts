import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import pg from 'pg';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { describePostgres, freshDatabase } from '../postgres/index.ts';
import { tenantConfigYaml } from '../workers/tenant-world.ts';
import { demoWorkspace, spoc } from './helpers.ts';

// `state: { postgres: … }` end to end: the real CLI against the sandbox, its state in a
// tenant's schema of a real Postgres database (test/postgres starts one; CI requires it).

let database: string;
let sandbox: Sandbox<EmulatorId>;

describePostgres('a Postgres state store', () => {
  beforeAll(async () => {
    database = await freshDatabase();
  });
  beforeEach(async (context) => {
    sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
    context.onTestFinished(() => sandbox.close());
  });

  /** The demo config with its state in Postgres, written to `<dir>/<file>` (the file's name is the tenant by default). */
  function postgresWorkspace(file = 'spoc.yaml', state = 'postgres: ${SPOC_TEST_STATE_URL}') {
    const w = demoWorkspace(sandbox, (yaml) => yaml.replace(/state:\n {2}sqlite: .*\n?/, `state:\n  ${state}\n`));
    const config = join(w.dir, file);
    writeFileSync(config, readFileSync(w.config, 'utf8'));
    return { ...w, config, env: { ...w.env, SPOC_TEST_STATE_URL: database } };
  }

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  it('syncs with its state in the tenant named after the config file; a second run writes nothing', async () => {
    const w = postgresWorkspace('acme-prod.yaml');
    const first = await spoc(['sync', '--json', '-c', w.config], w.env);
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report.counts.written).toBeGreaterThan(0);
    const writes = sandbox.writes.hubspot.all().length;

    const second = await spoc(['sync', '--json', '-c', w.config], w.env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).counts.changes).toBe(0);
    expect(sandbox.writes.hubspot.all()).toHaveLength(writes);

    // The state is in the tenant's schema: its runs, its audit, its baselines.
    const runs = await query<{ status: string }>('SELECT status FROM spoc_acme_prod.runs ORDER BY rowid');
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    const audit = await query<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM spoc_acme_prod.changes WHERE result = 'written'",
    );
    expect(audit[0]?.n).toBe(report.counts.written);
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('keeps tenants apart in one database: a second config (its own tenant) starts from nothing', async () => {
    const a = postgresWorkspace('spoc.yaml', 'postgres: ${SPOC_TEST_STATE_URL}');
    const b = postgresWorkspace('other.yaml', 'postgres: ${SPOC_TEST_STATE_URL}');
    writeFileSync(b.config, `tenant: business_unit_b\n${readFileSync(b.config, 'utf8')}`);
    expect((await spoc(['sync', '--json', '-c', a.config], a.env)).code).toBe(0);
    const planB = await spoc(['plan', '--json', '-c', b.config], b.env);
    expect(planB.code, planB.stderr).toBe(0);
    // The vendors agree now, so b plans nothing; its state holds its own dry run, none of a's runs.
    expect(JSON.parse(planB.stdout).counts.changes).toBe(0);
    const tenants = await query<{ schema: string }>(
      "SELECT nspname AS schema FROM pg_namespace WHERE nspname LIKE 'spoc\\_%' ORDER BY nspname",
    );
    expect(tenants.map((t) => t.schema)).toEqual(expect.arrayContaining(['spoc_spoc', 'spoc_business_unit_b']));
    const runsOfB = await query<{ dry_run: number }>('SELECT dry_run FROM spoc_business_unit_b.runs');
    expect(runsOfB).toEqual([{ dry_run: 1 }]);
    rmSync(a.dir, { recursive: true, force: true });
    rmSync(b.dir, { recursive: true, force: true });
  });

  it('a connection lost mid-run fails the run cleanly; the next run resumes from the journal and writes nothing twice', async () => {
    const big = await startSandbox({
      emulators: EMULATORS,
      seed: generateSeed({ accounts: 2000, seed: 5 }),
      port: 0,
      rateLimits: true,
    });
    const dir = mkdtempSync(join(tmpdir(), 'spoc-pg-lost-'));
    const config = join(dir, 'lost.yaml');
    writeFileSync(config, tenantConfigYaml(big.urls));
    const env = { SPOC_DEMO_TOKEN: 'e2e', SPOC_TEST_STATE_URL: database };
    try {
      const sync = spoc(['sync', '--json', '-c', config], env);
      // Once the writes have begun, the server ends spoc's session (as a failover or an admin would).
      for (const deadline = Date.now() + 60_000; big.writes.hubspot.all().length === 0 && Date.now() < deadline; )
        await new Promise((r) => setTimeout(r, 25));
      expect(big.writes.hubspot.all().length).toBeGreaterThan(0);
      await query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'spoc spoc_lost'");
      const lost = await sync;
      expect(lost.code).toBe(1);
      expect(lost.stderr).toContain('lost the connection to the Postgres state store at');
      expect(lost.stderr).toContain('the next run resumes from its journal');
      expect(lost.stderr).not.toMatch(/\n\s+at /);

      const next = await spoc(['sync', '--json', '-c', config], env);
      expect(next.code, next.stderr).toBe(0);
      const runs = await query<{ status: string; error: string | null }>(
        'SELECT status, error FROM spoc_lost.runs WHERE dry_run = 0 ORDER BY rowid',
      );
      expect(runs).toEqual([
        { status: 'failed', error: 'interrupted' },
        { status: 'ok', error: null },
      ]);
      for (const system of ['hubspot', 'salesforce', 'zendesk'] as const) {
        const keys = big.writes[system].all().map((w) => `${w.object}/${w.id}/${w.field}`);
        expect(new Set(keys).size, `${system}: a write applied twice`).toBe(keys.length);
      }
      const plan = await spoc(['plan', '--json', '-c', config], env);
      expect(JSON.parse(plan.stdout).counts.changes).toBe(0);
    } finally {
      await big.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a server it cannot use is exit 2 naming host, port and database, never the password', async () => {
    const url = new URL(database);
    const cases: [string, string, RegExp][] = [
      [
        'wrong password',
        Object.assign(new URL(url), { password: 'not-the-password-7f3a' }).toString(),
        /the password was refused/,
      ],
      [
        'missing database',
        Object.assign(new URL(url), { pathname: '/no_such_db' }).toString(),
        /the database does not exist/,
      ],
      ['nothing listening', Object.assign(new URL(url), { port: '1' }).toString(), /nothing listens there/],
    ];
    for (const [what, bad, reason] of cases) {
      const w = postgresWorkspace();
      const result = await spoc(['sync', '--json', '-c', w.config], { ...w.env, SPOC_TEST_STATE_URL: bad });
      expect(result.code, what).toBe(2);
      const target = new URL(bad);
      expect(result.stderr, what).toContain(
        `Postgres state store at ${target.hostname}:${target.port}${target.pathname}`,
      );
      expect(result.stderr, what).toMatch(reason);
      expect(result.stderr, what).not.toContain(target.password);
      expect(sandbox.writes.hubspot.all(), what).toHaveLength(0);
      rmSync(w.dir, { recursive: true, force: true });
    }
  });

  it('spoc check proves the state store can be used, without creating anything', async () => {
    const w = postgresWorkspace('checked.yaml');
    const good = await spoc(['check', '-c', w.config], w.env);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    const host = new URL(database);
    expect(good.stdout).toContain(`state postgres ${host.hostname}:${host.port}${host.pathname}, tenant checked: ok`);
    expect(await query("SELECT 1 FROM pg_namespace WHERE nspname = 'spoc_checked'")).toEqual([]);
    const refused = Object.assign(new URL(database), { password: 'wrong-7f3a' }).toString();
    const bad = await spoc(['check', '-c', w.config], { ...w.env, SPOC_TEST_STATE_URL: refused });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/state postgres .*, tenant checked: 1 problem\n {2}- the password was refused/);
    expect(bad.stdout + bad.stderr).not.toContain('wrong-7f3a');
    rmSync(w.dir, { recursive: true, force: true });
  });

  it('gives up connecting within connectTimeoutSeconds (a host that never answers)', async () => {
    // 10.255.255.1 is unroutable here: the SYN goes unanswered (or the network is refused at once).
    const w = postgresWorkspace('spoc.yaml', 'postgres: ${SPOC_TEST_STATE_URL}\n  connectTimeoutSeconds: 1');
    const started = Date.now();
    const result = await spoc(['sync', '-c', w.config], {
      ...w.env,
      SPOC_TEST_STATE_URL: 'postgres://spoc:pw@10.255.255.1:5432/spoc',
    });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Postgres state store at 10.255.255.1:5432/spoc');
    rmSync(w.dir, { recursive: true, force: true });
  });
});
