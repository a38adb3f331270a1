import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, REGISTRY } from '@spoc/cli';
import { startProblem } from '@spoc/console';
import { parseConfig, type SpocConfig } from '@spoc/core';
import { DockerfileParser } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, type IPodSpec, Secret, Service } from 'kubernetes-models/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { spoc } from '../e2e/helpers.ts';
import { loadManifests, parseUnit } from './recipes.ts';

/**
 * The worker-pool recipes hold together: every manifest of deploy/kubernetes-workers passes
 * the Kubernetes API's JSON schemas (kubernetes-models bundles them), the workers run
 * `spoc worker` on the folder the tenants' ConfigMap is mounted at, every config there is a
 * Postgres tenant of one database whose ${VAR}s the Secret sets, the real `spoc worker`
 * accepts that folder as the kubelet lays it out, the pods run hardened with no local
 * state, and deploy/systemd/spoc-worker.service runs the same pool as a long-lived unit.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = join(ROOT, 'deploy/kubernetes-workers');
const UNIT = join(ROOT, 'deploy/systemd/spoc-worker.service');

// One model per kind the recipe uses: a manifest of any other kind fails (it would go unchecked).
const MODELS = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
};

const { files: manifestFiles, manifests, find } = loadManifests(K8S);

const workers = find<Deployment>('Deployment', 'spoc-worker');
const console_ = find<Deployment>('Deployment', 'spoc-acme-console');
const tenants = find<ConfigMap>('ConfigMap', 'spoc-tenants');
const workerPod = workers.spec!.template.spec!;
const workerContainer = workerPod.containers[0]!;
const workloads = [
  { name: 'Deployment spoc-worker', pod: workerPod },
  { name: 'Deployment spoc-acme-console', pod: console_.spec!.template.spec! },
];

/** The variables a pod's Secrets set (envFrom), as the container sees them. */
const envOf = (pod: IPodSpec): Record<string, string> =>
  Object.assign({}, ...pod.containers[0]!.envFrom!.map((e) => find<Secret>('Secret', e.secretRef!.name!).stringData));
const workerEnv = envOf(workerPod);

/** The value after a flag in a container's args. */
const flag = (args: string[] | undefined, name: string) => args?.[args.indexOf(name) + 1];

const CONFIGS = flag(workerContainer.args, '--configs') ?? '';
const configFiles = Object.entries(tenants.data ?? {}).map(([key, text]) => ({
  key,
  path: posix.join(CONFIGS, key),
  text,
}));
const parsed = (env: Record<string, string | undefined>) =>
  configFiles.map(({ path, text }) => parseConfig(text, path, REGISTRY, env));
/** The ${VAR}s a config's text names. */
const variables = (text: string) => [...new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]!))];

const imageUser = (() => {
  const users = DockerfileParser.parse(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))
    .getInstructions()
    .filter((i) => i.getKeyword() === 'USER');
  return users.at(-1)?.getArgumentsContent() ?? '';
})();

describe('deploy/kubernetes-workers', () => {
  it.each(manifests.map((m) => [`${m.file}: ${m.doc.kind} ${m.doc.metadata?.name}`, m] as const))(
    '%s passes the Kubernetes schema',
    (_, { doc }) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}` as keyof typeof MODELS];
      expect(Model, `no schema here for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model(doc as never).validate()).not.toThrow();
    },
  );

  it('the schemas catch a broken manifest (the check is not vacuous)', () => {
    const broken = structuredClone(workers) as unknown as { spec: { template: { spec: Record<string, unknown> } } };
    broken.spec.template.spec.terminationGracePeriodSeconds = '2 minutes';
    expect(() => new Deployment(broken as never).validate()).toThrow(/terminationGracePeriodSeconds/);
  });

  it('the kustomization lists every manifest', () => {
    const kustomization = parseYaml(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8'));
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
  });

  const kubectl = spawnSync('kubectl', ['version', '--client']).status === 0;
  it.skipIf(!kubectl)('kubectl kustomize builds it into exactly these manifests', () => {
    const built = spawnSync('kubectl', ['kustomize', K8S], { encoding: 'utf8', timeout: 30_000 });
    expect(built.stderr).toBe('');
    const names = (docs: { kind: string; metadata: { name: string } }[]) =>
      docs.map((d) => `${d.kind}/${d.metadata.name}`).sort();
    expect(names(parseAllDocuments(built.stdout).map((d) => d.toJS()))).toEqual(names(manifests.map((m) => m.doc)));
  });

  it('the workers run spoc worker on the folder the tenants’ ConfigMap is mounted at', () => {
    expect([...(workerContainer.command ?? []), ...(workerContainer.args ?? [])].join(' ')).toBe(
      'spoc worker --configs /etc/spoc/tenants --concurrency 2',
    );
    const mount = workerContainer.volumeMounts!.find((m) => m.mountPath === CONFIGS);
    expect(mount?.readOnly).toBe(true);
    expect(workerPod.volumes!.find((v) => v.name === mount?.name)?.configMap?.name).toBe('spoc-tenants');
    // The worker reads *.yaml and *.yml there: a key named otherwise would be left out unseen.
    expect(configFiles.length).toBeGreaterThanOrEqual(2);
    for (const { key } of configFiles) expect(key).toMatch(/^[^/]+\.ya?ml$/);
  });

  it('every config parses with the Secret’s variables and is a Postgres tenant of the one state database', () => {
    const configs = parsed(workerEnv);
    for (const [i, config] of configs.entries()) {
      expect(config.state, configFiles[i]!.key).toHaveProperty('postgres', workerEnv.SPOC_STATE_URL);
      // The same variable, not two that happen to hold the same URL today.
      expect(parseYaml(configFiles[i]!.text).state.postgres).toBe('${SPOC_STATE_URL}');
      expect(config.schedule, `${configFiles[i]!.key} has a schedule for the pool to keep`).toBeDefined();
    }
    const names = configs.map((c) => c.tenant);
    expect(names).toEqual(['acme', 'globex']);
    expect(new Set(names).size).toBe(names.length);
    expect(new URL(workerEnv.SPOC_STATE_URL!).protocol).toBe('postgres:');
  });

  it.each(configFiles)('$key fails without each variable it names, naming it', ({ path, text }) => {
    expect(variables(text)).toContain('SPOC_STATE_URL');
    for (const name of variables(text)) {
      const { [name]: _, ...without } = workerEnv;
      expect(() => parseConfig(text, path, REGISTRY, without)).toThrow(name);
    }
    expect(() => parseConfig(text, path, REGISTRY, {})).toThrow(/SPOC_STATE_URL/);
  });

  it('each tenant has vendor tokens of its own, and the Secret sets nothing no config names', () => {
    const vendorVars = configFiles.map(({ text }) => variables(text).filter((v) => v !== 'SPOC_STATE_URL'));
    const all = vendorVars.flat();
    expect(new Set(all).size, 'a vendor token shared by two tenants').toBe(all.length);
    const secret = find<Secret>('Secret', 'spoc-worker-secrets');
    expect(Object.keys(secret.stringData ?? {}).sort()).toEqual(['SPOC_STATE_URL', ...all].sort());
  });

  it.each(workloads)('$name runs as the image’s non-root user on a read-only root, /tmp writable', ({ pod }) => {
    expect(imageUser).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: Number(imageUser.split(':')[0]) });
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
      const tmp = c.volumeMounts!.find((m) => m.mountPath === '/tmp');
      expect(tmp?.readOnly).not.toBe(true);
      expect(pod.volumes!.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    }
  });

  it.each(workloads)('$name keeps no local state: its volumes are the configs and an emptyDir', ({ pod }) => {
    for (const v of pod.volumes ?? []) expect(v.configMap ?? v.emptyDir, v.name).toBeDefined();
  });

  it('the workers get time to finish their batch on SIGTERM and roll without shrinking the pool', () => {
    // The worker waits up to 120 s for its running syncs (packages/cli/src/commands/worker.ts).
    expect(workerPod.terminationGracePeriodSeconds).toBeGreaterThan(120);
    expect(workers.spec!.replicas).toBeGreaterThanOrEqual(2);
    expect(workers.spec!.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  it('the console serves one tenant’s config from the folder, beyond loopback, refusing the example token', () => {
    const pod = console_.spec!.template.spec!;
    const args = pod.containers[0]!.args!;
    expect(args).toEqual(expect.arrayContaining(['serve', '--host', '0.0.0.0']));
    const config = flag(args, '-c')!;
    const file = configFiles.find((f) => f.path === config);
    expect(file, `${config} is not in the ConfigMap`).toBeDefined();
    const mount = pod.containers[0]!.volumeMounts!.find((m) => m.mountPath === CONFIGS);
    expect(pod.volumes!.find((v) => v.name === mount?.name)?.configMap?.name).toBe('spoc-tenants');
    const env = envOf(pod);
    const parsedConfig: SpocConfig = parseConfig(file!.text, config, REGISTRY, env);
    expect(parsedConfig.state).toHaveProperty('postgres', workerEnv.SPOC_STATE_URL);
    expect(env.SPOC_CONSOLE_TOKEN).toBeDefined();
    expect(startProblem('0.0.0.0', env.SPOC_CONSOLE_TOKEN)).toMatch(/at least 32/);
  });

  it('the console’s Service reaches its port and selects neither the workers nor another tenant', () => {
    const service = find<Service>('Service', 'spoc-acme-console');
    const selector = service.spec!.selector!;
    expect(console_.spec!.template.metadata!.labels).toMatchObject(selector);
    const ports = console_.spec!.template.spec!.containers[0]!.ports!.map((p) => p.name);
    expect(ports).toContain(service.spec!.ports![0]!.targetPort);
    expect(workers.spec!.template.metadata!.labels).not.toMatchObject(selector);
    expect(selector['app.kubernetes.io/instance']).toBe('acme');
  });

  describe('spoc worker on the ConfigMap as the kubelet mounts it', () => {
    // A ConfigMap volume holds a timestamped folder, ..data linking to it, and each key as a
    // link through ..data (kubernetes/pkg/volume/util/atomic_writer.go).
    const dir = mkdtempSync(join(tmpdir(), 'spoc-tenants-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const stamp = '..2025_01_01_00_00_00.000000001';
    mkdirSync(join(dir, stamp));
    for (const { key, text } of configFiles) writeFileSync(join(dir, stamp, key), text);
    symlinkSync(stamp, join(dir, '..data'));
    for (const { key } of configFiles) symlinkSync(join('..data', key), join(dir, key));
    const run = (env: Record<string, string | undefined>) =>
      spoc(['worker', '--configs', dir, '--concurrency', '2'], env);

    it('reads every tenant’s config there: one missing a variable is named', async () => {
      for (const { key, text } of configFiles) {
        const missing = variables(text).find((v) => v !== 'SPOC_STATE_URL')!;
        const { code, stderr } = await run({ ...workerEnv, [missing]: undefined });
        expect(code).toBe(EXIT.usage);
        expect(stderr).toContain(key);
        expect(stderr).toContain(missing);
      }
    });

    it('takes them as one pool, and gets as far as the database (here refused) before any job', async () => {
      // Port 1 refuses at once; no Postgres server and no vendor is reached.
      const { code, stderr } = await run({ ...workerEnv, SPOC_STATE_URL: 'postgres://spoc:pw@127.0.0.1:1/spoc' });
      expect(code).toBe(EXIT.usage);
      expect(stderr).toMatch(/127\.0\.0\.1:1\/spoc/);
      expect(stderr).not.toMatch(/give config files|both tenant|different Postgres|SQLite/);
    });
  });
});

describe('deploy/systemd/spoc-worker.service', () => {
  const unitText = readFileSync(UNIT, 'utf8');
  const unit = parseUnit(unitText);
  const s = unit.Service!;

  it('runs spoc worker on the same configs folder as the Kubernetes workers, as spoc, with an EnvironmentFile', () => {
    expect(Object.keys(unit)).toEqual(['Unit', 'Service', 'Install']);
    expect(s.ExecStart).toEqual(['/usr/local/bin/spoc worker --configs /etc/spoc/tenants --concurrency 2']);
    expect(flag(s.ExecStart![0]!.split(' '), '--configs')).toBe(CONFIGS);
    expect(s).toMatchObject({ Type: ['exec'], User: ['spoc'], EnvironmentFile: ['/etc/spoc/spoc-worker.env'] });
    expect(unit.Install).toEqual({ WantedBy: ['multi-user.target'] });
  });

  it('restarts on failure, and gives the running syncs longer than the worker waits for them on SIGTERM', () => {
    expect(s).toMatchObject({ Restart: ['on-failure'], KillSignal: ['SIGTERM'] });
    expect(Number(s.RestartSec![0])).toBeGreaterThan(0);
    expect(Number(s.TimeoutStopSec![0])).toBeGreaterThan(120);
  });

  it('is hardened like spoc-sync.service and keeps no local state', () => {
    expect(s).toMatchObject({
      NoNewPrivileges: ['yes'],
      ProtectSystem: ['strict'],
      ProtectHome: ['yes'],
      PrivateTmp: ['yes'],
    });
    expect(s.StateDirectory).toBeUndefined();
  });

  it('the parser refuses a broken unit (the checks above read what systemd reads)', () => {
    expect(() => parseUnit(unitText.replace('TimeoutStopSec=', 'TimeoutStopSec '))).toThrow(/TimeoutStopSec/);
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.skipIf(!analyze)('systemd-analyze verify finds nothing to say about it', () => {
    // verify also checks ExecStart's binary exists: a copy points it at one that does.
    const dir = mkdtempSync(join(tmpdir(), 'spoc-units-'));
    try {
      const copy = join(dir, 'spoc-worker.service');
      writeFileSync(copy, unitText.replace('/usr/local/bin/spoc', process.execPath));
      const verify = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
      // And it does complain: a misspelt key is reported.
      writeFileSync(copy, unitText.replace('/usr/local/bin/spoc', process.execPath).replace('Restart=', 'Restrat='));
      const broken = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
      expect(broken.stderr).toMatch(/Restrat/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
