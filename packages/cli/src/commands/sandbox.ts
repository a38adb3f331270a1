import { demoSeed, type EmulatorDefinition, generateSeed, loadSeedFile, startSandbox } from '@spoc/sandbox';
import { EMULATORS } from '../emulators.ts';
import { EXIT } from '../exit-codes.ts';

export interface SandboxCommandOptions {
  port: string;
  host: string;
  seed?: string;
  accounts?: string;
  faults?: string;
  systems?: string;
  rateLimits: boolean;
  timeScale: string;
}

/**
 * `spoc sandbox`: the vendor emulators (all, or those --systems names, on consecutive
 * ports in that order) until SIGINT/SIGTERM; first stdout line = their URLs as JSON.
 */
export async function sandboxCommand(options: SandboxCommandOptions): Promise<number> {
  const emulators = chosen(options.systems);
  if (typeof emulators === 'string') {
    process.stderr.write(`spoc sandbox: ${emulators}\n`);
    return EXIT.usage;
  }
  let seed: Record<string, unknown>;
  if (options.accounts !== undefined)
    seed = generateSeed({ accounts: positive(options.accounts, '--accounts') }, emulators);
  else if (options.seed === undefined || options.seed === 'demo') seed = demoSeed(emulators);
  else
    seed = loadSeedFile(
      options.seed,
      EMULATORS.map((e) => e.id),
    );

  const sandbox = await startSandbox({
    emulators,
    seed,
    port: Number(options.port),
    host: options.host,
    rateLimits: options.rateLimits,
    timeScale: Number(options.timeScale),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  process.stdout.write(`${JSON.stringify(sandbox.urls)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await sandbox.close();
  return EXIT.ok;
}

/** The emulators `--systems a,b` names, in that order (default: every one); a string says what is wrong. */
function chosen(list: string | undefined): EmulatorDefinition[] | string {
  if (list === undefined) return [...EMULATORS];
  const known = EMULATORS.map((e) => e.id).join(', ');
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  if (ids.length === 0) return `--systems names no system (known: ${known})`;
  const emulators: EmulatorDefinition[] = [];
  for (const id of ids) {
    const emulator = EMULATORS.find((e) => e.id === id);
    if (!emulator) return `--systems: unknown system "${id}" (known: ${known})`;
    if (emulators.includes(emulator)) return `--systems names ${id} twice`;
    emulators.push(emulator);
  }
  return emulators;
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got ${value}`);
  return n;
}
