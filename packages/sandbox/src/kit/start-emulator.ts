import { type FaultSpec, Faults } from './faults.ts';
import type { EmulatorDefinition } from './types.ts';
import { startVendorServer, type VendorServer } from './vendor-server.ts';
import { WriteLog } from './write-log.ts';

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  faults?: FaultSpec;
  /** Emulate the vendor's rate limits (default true). */
  rateLimits?: boolean;
  /** Scale every rate window (0.1 = 10× faster). Default 1. */
  timeScale?: number;
  /** The clock before any jump through /__sandbox/clock (default Date.now); tests may freeze it. */
  now?: () => number;
  /** Record every request and answer for contract checks (RunningEmulator.exchanges). */
  record?: boolean;
}

/** One emulator serving, with the frame's services it was given. */
export interface RunningEmulator extends VendorServer {
  /** Every field value clients wrote. */
  writes: WriteLog;
  faults: Faults;
  /** Added to the clock; what POST /__sandbox/clock sets. */
  clockOffset: { ms: number };
}

/** Starts one emulator on its own HTTP server: what startSandbox does for each, and emulator tests for one. */
export async function startEmulator(
  definition: EmulatorDefinition,
  seed: unknown,
  options: EmulatorOptions = {},
): Promise<RunningEmulator> {
  const checkFaults = (spec: FaultSpec) => {
    const known = definition.behaviours ?? {};
    for (const name of Object.keys(spec.vendor)) {
      if (name.startsWith(`${definition.id}.`) && !(name in known)) {
        const list = Object.keys(known).join(', ') || 'none';
        throw new Error(`unknown ${definition.id} behaviour "${name}" (known: ${list})`);
      }
    }
  };
  if (options.faults) checkFaults(options.faults);
  const clockOffset = { ms: 0 };
  const now = options.now ?? (() => Date.now());
  const context = {
    faults: new Faults(options.faults),
    writes: new WriteLog(),
    now: () => now() + clockOffset.ms,
    clockOffset,
  };
  const server = await startVendorServer(definition.create(seed, context), context, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    rateLimits: options.rateLimits ?? true,
    timeScale: options.timeScale ?? 1,
    record: options.record ?? false,
    checkFaults,
  });
  return { ...server, writes: context.writes, faults: context.faults, clockOffset };
}
