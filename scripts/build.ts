import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild, type Metafile, type Plugin } from 'esbuild';

/**
 * `pnpm build`: the `spoc` CLI as JavaScript and every workspace package's type
 * declarations, under dist/ (the dev flow keeps running src/*.ts directly):
 *
 *   dist/package/dist/main.js + chunks   the CLI, every @spoc/* package bundled in,
 *                                        third-party packages left as imports
 *   dist/package/dist/pg-thread.js       the Postgres store's worker thread, loaded by path
 *   dist/package/dist/migrations/        the state store's SQL (pg-migrations/: Postgres'), read beside the bundle
 *   dist/package/dist/config/            the demo configs and the example, read the same way
 *   dist/types/<package>/…               .d.ts for every workspace package (tsc)
 *
 * esbuild bundles: one native binary from the npm registry, TypeScript's erasable syntax
 * stripped as Node strips it, ESM code splitting, so a command's modules still load only
 * when it runs (packages/cli/src/main.ts) and `spoc sync` never loads the console.
 */

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const STAGE = join(DIST, 'package');

/** A third-party package the bundle imports, and the workspace package whose code imports it. */
export interface ThirdPartyImport {
  name: string;
  importer: string;
}

export async function build(): Promise<{ imports: ThirdPartyImport[] }> {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  // Build output is never committed: dist/ ignores itself, so the root .gitignore needs no entry.
  writeFileSync(join(DIST, '.gitignore'), '*\n');
  const out = join(STAGE, 'dist');
  const result = await esbuild({
    absWorkingDir: ROOT,
    // The Postgres store's worker thread is loaded by path (synckit), beside the chunks.
    entryPoints: { main: 'packages/cli/src/main.ts', 'pg-thread': 'core/src/store/postgres/pg-thread.ts' },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22.18',
    // Bundling renames clashing declarations; error and class names stay as written.
    keepNames: true,
    plugins: [thirdPartyExternal],
    metafile: true,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    throw new Error(
      `esbuild warned:\n${result.warnings.map((w) => `  ${w.location?.file ?? ''}: ${w.text}`).join('\n')}`,
    );
  }
  // Read by path relative to the module (new URL(…, import.meta.url)), so they sit beside
  // the chunks: every chunk is written to `out` itself, none to a subfolder.
  cpSync(join(ROOT, 'core/src/store/migrations'), join(out, 'migrations'), { recursive: true });
  cpSync(join(ROOT, 'core/src/store/postgres/pg-migrations'), join(out, 'pg-migrations'), { recursive: true });
  mkdirSync(join(out, 'config'));
  for (const file of ['spoc.demo.yaml', 'spoc.demo-all.yaml', 'spoc.example.yaml', 'spoc.schema.json']) {
    cpSync(join(ROOT, 'config', file), join(out, 'config', file));
  }
  emitDeclarations();
  return { imports: thirdPartyImports(result.metafile) };
}

/** Every bare import outside the workspace stays an import, installed as a dependency. */
const thirdPartyExternal: Plugin = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@spoc/') || isBuiltin(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

function thirdPartyImports(metafile: Metafile): ThirdPartyImport[] {
  const found = new Map<string, ThirdPartyImport>();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const i of input.imports) {
      // `<runtime>` is esbuild's own helpers (keepNames' __name), not a package.
      if (!i.external || isBuiltin(i.path) || i.path === '<runtime>') continue;
      const name = packageName(i.path);
      const importer = owningPackage(join(ROOT, file));
      found.set(`${importer}\0${name}`, { name, importer });
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.importer.localeCompare(b.importer));
}

/** `@hubspot/api-client/lib/x` → `@hubspot/api-client`; `pino` → `pino`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** The workspace folder (as the lockfile's importers name it) whose package.json is nearest above `file`. */
function owningPackage(file: string): string {
  for (let dir = dirname(file); dir.startsWith(ROOT); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return relative(ROOT, dir) || '.';
  }
  throw new Error(`${file} belongs to no workspace package`);
}

/**
 * tsc (TypeScript 7 emits declarations) with scripts/tsconfig.declarations.json, into
 * dist/types. --noCheck: declarations only; `pnpm typecheck` is the type check.
 */
function emitDeclarations(): void {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  const args = [tsc, '-p', 'scripts/tsconfig.declarations.json', '--noCheck'];
  try {
    execFileSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    throw new Error('tsc could not emit the declarations (its errors are above)');
  }
}

if (import.meta.main) {
  try {
    const { imports } = await build();
    const names = [...new Set(imports.map((i) => i.name))];
    process.stdout.write(`built ${relative(ROOT, STAGE)}/dist/main.js (imports ${names.join(', ')}) and dist/types\n`);
  } catch (error) {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
