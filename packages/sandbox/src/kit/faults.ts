import { mulberry32 } from './random.ts';

/**
 * Fault injection for the fault suite and benchmarks, from a spec such as
 * `5xx=0.1,429=0.05,latency=2000:0.02,reset=0.01,record=0.05,seed=7`:
 *   5xx=P        a share P of requests answers 500/503 (vendor-shaped)
 *   429=P        a share P of requests answers 429 with Retry-After
 *   latency=MS:P a share P of requests is delayed MS milliseconds
 *   reset=P      a share P of requests has its connection destroyed
 *   record=P     batch writes fail a share P of their records (vendor-shaped per-record error)
 *   seed=N       the random sequence (deterministic per seed)
 *   ID.NAME=N    a vendor behaviour an emulator declares (EmulatorDefinition.behaviours),
 *                e.g. hubspot.indexLagMs=30000; a share or a quantity, as it documents
 */
export interface FaultSpec {
  serverError: number;
  tooMany: number;
  latencyMs: number;
  latency: number;
  reset: number;
  record: number;
  seed: number;
  /** Vendor behaviours by `id.name` (see EmulatorDefinition.behaviours); absent = the emulator's default. */
  vendor: Record<string, number>;
}

export const NO_FAULTS: FaultSpec = {
  serverError: 0,
  tooMany: 0,
  latencyMs: 0,
  latency: 0,
  reset: 0,
  record: 0,
  seed: 1,
  vendor: {},
};

export function parseFaults(spec: string | undefined): FaultSpec {
  const out = { ...NO_FAULTS, vendor: {} as Record<string, number> };
  if (!spec) return out;
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value = ''] = part.split('=');
    const share = (v: string) => {
      const n = Number(v);
      if (!(n >= 0 && n <= 1)) throw new Error(`fault ${key}: ${v} is not a share between 0 and 1`);
      return n;
    };
    switch (key) {
      case '5xx':
        out.serverError = share(value);
        break;
      case '429':
        out.tooMany = share(value);
        break;
      case 'latency': {
        const [ms = '', p = '1'] = value.split(':');
        out.latencyMs = Number(ms);
        if (!(out.latencyMs >= 0)) throw new Error(`fault latency: ${ms} is not milliseconds`);
        out.latency = share(p);
        break;
      }
      case 'reset':
        out.reset = share(value);
        break;
      case 'record':
        out.record = share(value);
        break;
      case 'seed':
        out.seed = Number(value) || 1;
        break;
      default: {
        if (key !== undefined && /^[a-z][a-z0-9]*\.[A-Za-z][A-Za-z0-9]*$/.test(key)) {
          const n = Number(value);
          if (value === '' || !(n >= 0)) throw new Error(`fault ${key}: ${value} is not a number ≥ 0`);
          out.vendor[key] = n;
          break;
        }
        throw new Error(
          `unknown fault "${key}" (known: 5xx, 429, latency, reset, record, seed, or a vendor behaviour such as hubspot.indexLagMs)`,
        );
      }
    }
  }
  return out;
}

/** Deterministic fault decisions, counted for /__sandbox/stats. */
export class Faults {
  spec: FaultSpec;
  private random: () => number;
  readonly injected: Record<string, number> = { serverError: 0, tooMany: 0, latency: 0, reset: 0, record: 0 };

  constructor(spec: FaultSpec = NO_FAULTS) {
    this.spec = spec;
    this.random = mulberry32(spec.seed);
  }

  set(spec: FaultSpec): void {
    this.spec = spec;
    this.random = mulberry32(spec.seed);
  }

  private roll(share: number, counter: string): boolean {
    if (share <= 0) return false;
    const hit = this.random() < share;
    if (hit) this.injected[counter] = (this.injected[counter] ?? 0) + 1;
    return hit;
  }

  /** A vendor behaviour's value (`hubspot.indexLagMs`), or the emulator's default when the spec leaves it out. */
  behaviour(name: string, fallback: number): number {
    return this.spec.vendor[name] ?? fallback;
  }

  /** For a vendor behaviour that is a share: does it happen this time? Counted under its name in stats. */
  rollBehaviour(name: string, fallback = 0): boolean {
    return this.roll(this.behaviour(name, fallback), name);
  }

  /** Decides what happens to one request before its handler runs. */
  forRequest(): { kind: 'none' | 'reset' | '5xx' | '429'; delayMs: number } {
    const delayMs = this.roll(this.spec.latency, 'latency') ? this.spec.latencyMs : 0;
    if (this.roll(this.spec.reset, 'reset')) return { kind: 'reset', delayMs };
    if (this.roll(this.spec.serverError, 'serverError')) return { kind: '5xx', delayMs };
    if (this.roll(this.spec.tooMany, 'tooMany')) return { kind: '429', delayMs };
    return { kind: 'none', delayMs };
  }

  /** For batch handlers: should this record of a batch write fail? */
  failRecord(): boolean {
    return this.roll(this.spec.record, 'record');
  }
}
