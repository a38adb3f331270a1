import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { build, DIST, ROOT, STAGE, type ThirdPartyImport } from './build.ts';

/**
 * `pnpm package`: build (scripts/build.ts), write the publishable package.json of
 * @spoc/cli into dist/package, and `npm pack` it into dist/spoc-cli-<version>.tgz. The
 * last line on stdout is the tarball's path. The Dockerfile's build stage and
 * test/package/tarball.e2e.test.ts run exactly this.
 *
 * The workspace packages are bundled in, so the tarball depends on third-party packages
 * only: each one the bundle imports, at the version pnpm-lock.yaml resolved for the
 * workspace package that imports it (exact, so an install runs what the tests ran).
 */

interface Lockfile {
  importers: Record<string, { dependencies?: Record<string, { version: string }> }>;
}

interface Manifest {
  name: string;
  version: string;
  description?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;

export function dependencies(imports: ThirdPartyImport[], lock: Lockfile): Record<string, string> {
  const versions = new Map<string, { version: string; importer: string }>();
  for (const { name, importer } of imports) {
    const declared = readJson<Manifest>(join(importer, 'package.json')).dependencies ?? {};
    if (!(name in declared)) {
      throw new Error(`${importer} imports '${name}' but ${importer}/package.json does not list it in dependencies`);
    }
    const locked = lock.importers[importer]?.dependencies?.[name]?.version;
    // A peer-resolved version reads `1.2.3(peer@4.5.6)`; a workspace link is never third-party.
    const version = locked?.replace(/\(.*$/, '');
    if (!version || version.startsWith('link:') || version.startsWith('workspace:')) {
      throw new Error(`pnpm-lock.yaml has no registry version of '${name}' for ${importer} (run pnpm install)`);
    }
    const seen = versions.get(name);
    if (seen && seen.version !== version) {
      throw new Error(
        `'${name}' is locked at ${seen.version} for ${seen.importer} and ${version} for ${importer}: the bundle can hold one`,
      );
    }
    versions.set(name, { version, importer });
  }
  return Object.fromEntries([...versions].sort(([a], [b]) => a.localeCompare(b)).map(([n, v]) => [n, v.version]));
}

export async function packageCli(): Promise<string> {
  const { imports } = await build();
  const main = readFileSync(join(STAGE, 'dist/main.js'), 'utf8');
  if (!main.startsWith('#!/usr/bin/env node\n')) throw new Error('dist/main.js lost its #!/usr/bin/env node line');
  const root = readJson<Manifest>('package.json');
  const cli = readJson<Manifest>('packages/cli/package.json');
  const lock = parse(readFileSync(join(ROOT, 'pnpm-lock.yaml'), 'utf8')) as Lockfile;
  const manifest = {
    name: cli.name,
    version: cli.version,
    description: root.description,
    type: 'module',
    bin: { spoc: 'dist/main.js' },
    files: ['dist'],
    engines: root.engines,
    dependencies: dependencies(imports, lock),
  };
  writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(ROOT, 'README.md'), join(STAGE, 'README.md'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', DIST], {
      cwd: STAGE,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  ) as { filename: string }[];
  return join(DIST, packed[0]!.filename);
}

if (import.meta.main) {
  try {
    const tarball = await packageCli();
    process.stderr.write(`packed ${relative(ROOT, tarball)}\n`);
    process.stdout.write(`${tarball}\n`);
  } catch (error) {
    process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
