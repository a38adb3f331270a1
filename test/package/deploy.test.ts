import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REGISTRY } from '@spoc/cli';
import { startProblem } from '@spoc/console';
import { parseConfig } from '@spoc/core';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob } from 'kubernetes-models/batch/v1';
import { ConfigMap, PersistentVolumeClaim, type PodSpec, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PACKAGE_SCRIPT } from './package-script.ts';
import { loadManifests, parseUnit } from './recipes.ts';

/**
 * The deploy recipes hold together: every Kubernetes manifest passes the Kubernetes API's
 * JSON schemas (kubernetes-models bundles them), the workloads run `spoc` as the image
 * builds it, the config they mount is a valid spoc config whose ${VAR}s their Secret
 * sets, the systemd units say what they must, and the Dockerfile builds with the script
 * the tarball test runs.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = join(ROOT, 'deploy/kubernetes');
const SYSTEMD = join(ROOT, 'deploy/systemd');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

// One model per kind the recipes use: a manifest of any other kind fails (it would go unchecked).
const MODELS = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/CronJob': CronJob,
};

const { files: manifestFiles, manifests, find } = loadManifests(K8S);

const cronJob = find<CronJob>('CronJob', 'spoc-sync');
const deployment = find<Deployment>('Deployment', 'spoc-console');
const configMap = find<ConfigMap>('ConfigMap', 'spoc-config');
const vendorTokens = find<Secret>('Secret', 'spoc-vendor-tokens');
const workloads = [
  { name: 'CronJob spoc-sync', pod: cronJob.spec!.jobTemplate.spec!.template.spec! },
  { name: 'Deployment spoc-console', pod: deployment.spec!.template.spec! },
];

/** The Dockerfile's instructions per stage, a FROM opening each. */
const dockerfile = DockerfileParser.parse(read('Dockerfile'));
const stages: Instruction[][] = [];
for (const i of dockerfile.getInstructions()) {
  if (i.getKeyword() === 'FROM') stages.push([]);
  stages.at(-1)?.push(i);
}
const args = (stage: Instruction[] | undefined, keyword: string) =>
  (stage ?? []).filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent() ?? '');
const imageUser = args(stages.at(-1), 'USER')[0] ?? '';

/** KEY=value lines, as systemd's EnvironmentFile= reads them. */
const envFile = (text: string) =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

const CONFIG = '/etc/spoc/spoc.yaml';
const configText = configMap.data?.[basename(CONFIG)] ?? '';

describe('deploy/kubernetes', () => {
  it.each(manifests.map((m) => [`${m.file}: ${m.doc.kind} ${m.doc.metadata?.name}`, m] as const))(
    '%s passes the Kubernetes schema',
    (_, { doc }) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}` as keyof typeof MODELS];
      expect(Model, `no schema here for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model(doc as never).validate()).not.toThrow();
    },
  );

  it('the schemas catch a broken manifest (the check is not vacuous)', () => {
    const broken = structuredClone(cronJob) as unknown as { spec: Record<string, unknown> };
    broken.spec.concurrencyPolicy = 'Never';
    expect(() => new CronJob(broken as never).validate()).toThrow(/concurrencyPolicy/);
  });

  it('the kustomization lists every manifest', () => {
    const kustomization = parseAllDocuments(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8'))[0]?.toJS();
    expect([...kustomization.resources].sort()).toEqual(manifestFiles);
  });

  it('the CronJob runs spoc sync on the mounted config, never two at once', () => {
    expect(cronJob.spec!.concurrencyPolicy).toBe('Forbid');
    const container = cronJob.spec!.jobTemplate.spec!.template.spec!.containers[0]!;
    expect([...(container.command ?? []), ...(container.args ?? [])].join(' ')).toBe(`spoc sync -c ${CONFIG}`);
  });

  it.each(workloads)('$name mounts the ConfigMap holding its config and the state PVC', ({ pod }) => {
    const container = pod.containers[0]!;
    const config = container.args![container.args!.indexOf('-c') + 1]!;
    const mount = container.volumeMounts!.find((m) => m.mountPath === dirname(config));
    const volume = pod.volumes!.find((v) => v.name === mount?.name);
    expect(volume?.configMap?.name).toBe('spoc-config');
    expect(Object.keys(configMap.data ?? {})).toContain(basename(config));
    const state = parseConfig(configText, config, REGISTRY, vendorTokens.stringData).statePath;
    const stateMount = container.volumeMounts!.find((m) => state.startsWith(`${m.mountPath}/`));
    const claim = pod.volumes!.find((v) => v.name === stateMount?.name)?.persistentVolumeClaim?.claimName;
    expect(claim).toBeDefined();
    find<PersistentVolumeClaim>('PersistentVolumeClaim', claim!);
    expect(stateMount?.readOnly).not.toBe(true);
  });

  it.each(workloads)('$name runs as the image’s non-root user on a read-only root', ({ pod }) => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: Number(imageUser.split(':')[0]) });
    expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it.each(workloads)('$name gets every ${VAR} the config names from its Secrets', ({ pod }) => {
    const env = Object.assign(
      {},
      ...pod.containers[0]!.envFrom!.map((e) => find<Secret>('Secret', e.secretRef!.name!).stringData),
    );
    expect(() => parseConfig(configText, CONFIG, REGISTRY, env)).not.toThrow();
    expect(() => parseConfig(configText, CONFIG, REGISTRY, {})).toThrow(/HUBSPOT_TOKEN/);
  });

  it('the console binds beyond loopback with a token, and the example token is refused until replaced', () => {
    const pod = deployment.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container.args).toEqual(expect.arrayContaining(['serve', '--host', '0.0.0.0']));
    const tokens = container.envFrom!.map((e) => find<Secret>('Secret', e.secretRef!.name!).stringData ?? {});
    const token = tokens.find((t) => 'SPOC_CONSOLE_TOKEN' in t)?.SPOC_CONSOLE_TOKEN;
    expect(token).toBeDefined();
    expect(startProblem('0.0.0.0', token)).toMatch(/at least 32/);
    expect(deployment.spec!.strategy?.type).toBe('Recreate');
  });

  it('the Service reaches the console’s port and the sync runs on the console’s node', () => {
    const service = find<Service>('Service', 'spoc-console');
    const podLabels = deployment.spec!.template.metadata!.labels!;
    expect(podLabels).toMatchObject(service.spec!.selector!);
    const ports = deployment.spec!.template.spec!.containers[0]!.ports!.map((p) => p.name);
    expect(ports).toContain(service.spec!.ports![0]!.targetPort);
    const affinity = (cronJob.spec!.jobTemplate.spec!.template.spec as PodSpec).affinity!.podAffinity!;
    const term = affinity.requiredDuringSchedulingIgnoredDuringExecution![0]!;
    expect(podLabels).toMatchObject(term.labelSelector!.matchLabels!);
    expect(term.topologyKey).toBe('kubernetes.io/hostname');
  });
});

describe('deploy/systemd', () => {
  const service = parseUnit(readFileSync(join(SYSTEMD, 'spoc-sync.service'), 'utf8'));
  const timer = parseUnit(readFileSync(join(SYSTEMD, 'spoc-sync.timer'), 'utf8'));

  it('spoc-sync.service runs spoc sync once, as spoc, with the tokens from its EnvironmentFile', () => {
    expect(Object.keys(service)).toEqual(['Unit', 'Service']);
    const s = service.Service!;
    expect(s).toMatchObject({ Type: ['oneshot'], User: ['spoc'], EnvironmentFile: ['/etc/spoc/spoc.env'] });
    expect(s.ExecStart).toEqual([`/usr/local/bin/spoc sync -c ${CONFIG}`]);
    expect(s.NoNewPrivileges).toEqual(['yes']);
    expect(s.ProtectSystem).toEqual(['strict']);
  });

  it('its config is the ConfigMap’s, its state under StateDirectory, its example env sets every ${VAR}', () => {
    const config = service.Service!.ExecStart![0]!.split(' ').at(-1)!;
    expect(Object.keys(configMap.data ?? {})).toContain(basename(config));
    const env = envFile(readFileSync(join(SYSTEMD, 'spoc.env.example'), 'utf8'));
    const { statePath } = parseConfig(configText, config, REGISTRY, env);
    expect(dirname(statePath)).toBe(`/var/lib/${service.Service!.StateDirectory![0]}`);
  });

  it('spoc-sync.timer starts the service every 15 minutes and is enabled by timers.target', () => {
    expect(timer.Timer).toMatchObject({ OnCalendar: ['*:0/15'], Persistent: ['true'], Unit: ['spoc-sync.service'] });
    expect(timer.Install).toEqual({ WantedBy: ['timers.target'] });
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.skipIf(!analyze)('systemd-analyze verify finds nothing to say about the units', () => {
    // verify also checks ExecStart's binary exists: a copy points it at one that does.
    const dir = mkdtempSync(join(tmpdir(), 'spoc-units-'));
    try {
      for (const f of ['spoc-sync.service', 'spoc-sync.timer']) {
        const text = readFileSync(join(SYSTEMD, f), 'utf8').replace('/usr/local/bin/spoc', process.execPath);
        writeFileSync(join(dir, f), text);
      }
      const units = ['spoc-sync.service', 'spoc-sync.timer'].map((f) => join(dir, f));
      const verify = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8' });
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Dockerfile', () => {
  it('builds with the script the tarball test runs, and installs the tarball it packs', () => {
    expect(stages).toHaveLength(2);
    expect(args(stages[0], 'FROM')[0]).toMatch(/^node:24-\S+ AS build$/);
    expect(args(stages[0], 'RUN').join('\n')).toContain(`node ${PACKAGE_SCRIPT}`);
    expect(JSON.parse(read('package.json')).scripts.package).toBe(`node ${PACKAGE_SCRIPT}`);
    expect(args(stages[1], 'FROM')[0]).toMatch(/^node:24-\S+$/);
    const copy = stages[1]?.find((i) => i instanceof Copy);
    expect(copy?.getFromFlag()?.getValue()).toBe('build');
    expect(copy?.getArgumentsContent()).toMatch(/^\/src\/dist\/spoc-cli-\*\.tgz /);
    expect(args(stages[1], 'RUN')[0]).toMatch(/^npm install --global .*\/tmp\/spoc-cli-\*\.tgz/);
  });

  it('runs spoc as a numeric non-root user with its state under a volume', () => {
    expect(imageUser).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(args(stages[1], 'VOLUME')).toEqual(['["/var/lib/spoc"]']);
    expect(JSON.parse(args(stages[1], 'ENTRYPOINT')[0]!)).toEqual(['spoc']);
    expect(JSON.parse(args(stages[1], 'CMD')[0]!)).toEqual(['sync']);
    const statePath = parseConfig(configText, CONFIG, REGISTRY, vendorTokens.stringData).statePath;
    expect(statePath.startsWith('/var/lib/spoc/')).toBe(true);
  });

  it('leaves the machine’s own files out of the build context, and nothing the build reads', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', 'dist', 'spoc.yaml']));
    const needed = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'README.md', 'scripts', 'config'];
    expect(ignored.filter((l) => needed.includes(l) || ['core', 'connectors', 'packages', 'test'].includes(l))).toEqual(
      [],
    );
  });
});
