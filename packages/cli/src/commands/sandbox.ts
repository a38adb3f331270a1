import { demoSeed, generateSeed, loadSeedFile, type SandboxSeed, startSandbox } from '@spoc/sandbox';
import { EXIT } from '../exit-codes.ts';

export interface SandboxCommandOptions {
  port: string;
  host: string;
  seed?: string;
  accounts?: string;
  faults?: string;
  rateLimits: boolean;
  timeScale: string;
}

/** `spoc sandbox`: the three vendor emulators until SIGINT/SIGTERM; first stdout line = their URLs as JSON. */
export async function sandboxCommand(options: SandboxCommandOptions): Promise<number> {
  let seed: SandboxSeed;
  if (options.accounts !== undefined) seed = generateSeed({ accounts: positive(options.accounts, '--accounts') });
  else if (options.seed === undefined || options.seed === 'demo') seed = demoSeed();
  else seed = loadSeedFile(options.seed);

  const sandbox = await startSandbox({
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

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got ${value}`);
  return n;
}
