import { parseFaults } from './kit/faults.ts';
import { type RunningEmulator, startEmulator } from './kit/start-emulator.ts';
import type { EmulatorDefinition, Exchange } from './kit/types.ts';
import type { SandboxStats } from './kit/vendor-server.ts';
import type { WriteLog } from './kit/write-log.ts';

export interface SandboxOptions<Id extends string> {
  /** The emulators to serve, in port order (each connector package exports its own: `@spoc/<id>/emulator`). */
  emulators: readonly EmulatorDefinition<Id>[];
  /** Records per emulator id, in each vendor's API shape; an id without one starts empty. */
  seed: { readonly [id: string]: unknown };
  /** The first emulator listens on `port`, the next on port+1, and so on; 0 picks free ports. */
  port?: number;
  /** Loopback by default: the sandbox accepts any well-formed credential. */
  host?: string;
  /** Fault spec, see kit/faults.ts (e.g. "5xx=0.1,429=0.05"). */
  faults?: string;
  /** Emulate the vendors' rate limits (default true). */
  rateLimits?: boolean;
  /** Scale every rate window (0.1 = 10× faster) so benchmarks stay short. Default 1. */
  timeScale?: number;
  /** Record every request and answer (Sandbox.exchanges), for contract checks. */
  record?: boolean;
}

/** The emulators serving, each keyed by its id in the order given. */
export interface Sandbox<Id extends string = string> {
  /** Base URLs (a vendor's API may live below, e.g. Zendesk's under `/api/v2`). */
  urls: Record<Id, string>;
  stats(): Record<Id, SandboxStats>;
  /** Every field value clients wrote, per emulator. */
  writes: Record<Id, WriteLog>;
  /** What each emulator recorded when started with `record`. */
  exchanges(): Record<Id, Exchange[]>;
  close(): Promise<void>;
}

/** Starts the emulators given on 127.0.0.1, each on its own port (docs/ARCHITECTURE.md, "The sandbox"). */
export async function startSandbox<Id extends string>(options: SandboxOptions<Id>): Promise<Sandbox<Id>> {
  const ids = options.emulators.map((e) => e.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new Error(`emulator ${twice} is listed twice`);
  const base = options.port ?? 0;
  const spec = parseFaults(options.faults);
  for (const name of Object.keys(spec.vendor)) {
    const id = name.slice(0, name.indexOf('.'));
    if (!ids.includes(id as Id))
      throw new Error(`fault ${name}: no emulator ${id} in this sandbox (${ids.join(', ')})`);
  }
  const running: [Id, RunningEmulator][] = [];
  try {
    for (const [index, emulator] of options.emulators.entries()) {
      const server = await startEmulator(emulator, options.seed[emulator.id], {
        host: options.host ?? '127.0.0.1',
        port: base === 0 ? 0 : base + index,
        faults: spec,
        rateLimits: options.rateLimits ?? true,
        timeScale: options.timeScale ?? 1,
        record: options.record ?? false,
      });
      running.push([emulator.id, server]);
    }
  } catch (error) {
    await Promise.all(running.map(([, s]) => s.close()));
    throw error;
  }
  const each = <T>(pick: (server: RunningEmulator) => T) =>
    Object.fromEntries(running.map(([id, server]) => [id, pick(server)])) as Record<Id, T>;
  return {
    urls: each((s) => s.url),
    stats: () => each((s) => s.stats()),
    writes: each((s) => s.writes),
    exchanges: () => each((s) => s.exchanges()),
    close: async () => {
      await Promise.all(running.map(([, s]) => s.close()));
    },
  };
}
