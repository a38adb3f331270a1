import { createHubspotApp } from './hubspot/app.ts';
import { Faults, parseFaults } from './kit/faults.ts';
import type { VendorApp, VendorContext } from './kit/types.ts';
import { type SandboxStats, startVendorServer, type VendorServer } from './kit/vendor-server.ts';
import { WriteLog } from './kit/write-log.ts';
import { createSalesforceApp } from './salesforce/app.ts';
import type { SandboxSeed } from './seed/types.ts';
import { createZendeskApp } from './zendesk/app.ts';

export interface SandboxOptions {
  seed: SandboxSeed;
  /** HubSpot listens on `port`, Salesforce on port+1, Zendesk on port+2; 0 picks free ports. */
  port?: number;
  /** Loopback by default: the sandbox accepts any well-formed credential. */
  host?: string;
  /** Fault spec, see kit/faults.ts (e.g. "5xx=0.1,429=0.05"). */
  faults?: string;
  /** Emulate the vendors' rate limits (default true). */
  rateLimits?: boolean;
  /** Scale every rate window (0.1 = 10× faster) so benchmarks stay short. Default 1. */
  timeScale?: number;
}

export type SystemName = 'hubspot' | 'salesforce' | 'zendesk';

export interface Sandbox {
  /** Base URLs. Zendesk's API lives under `${urls.zendesk}/api/v2`. */
  urls: Record<SystemName, string>;
  stats(): Record<SystemName, SandboxStats>;
  /** Every field value clients wrote, per vendor. */
  writes: Record<SystemName, WriteLog>;
  close(): Promise<void>;
}

/** Starts the three vendor emulators on 127.0.0.1 (DESIGN.md §7). */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const base = options.port ?? 0;
  const spec = parseFaults(options.faults);
  const factories: [SystemName, (ctx: VendorContext) => VendorApp][] = [
    ['hubspot', (ctx) => createHubspotApp(options.seed.hubspot, ctx)],
    ['salesforce', (ctx) => createSalesforceApp(options.seed.salesforce, ctx)],
    ['zendesk', (ctx) => createZendeskApp(options.seed.zendesk, ctx)],
  ];

  const servers: Partial<Record<SystemName, VendorServer>> = {};
  const writes = {} as Record<SystemName, WriteLog>;
  try {
    for (const [index, [name, factory]] of factories.entries()) {
      const clockOffset = { ms: 0 };
      const context = {
        faults: new Faults(spec),
        writes: new WriteLog(),
        now: () => Date.now() + clockOffset.ms,
        clockOffset,
      };
      writes[name] = context.writes;
      servers[name] = await startVendorServer(factory(context), context, {
        host,
        port: base === 0 ? 0 : base + index,
        rateLimits: options.rateLimits ?? true,
        timeScale: options.timeScale ?? 1,
      });
    }
  } catch (error) {
    await Promise.all(Object.values(servers).map((s) => s.close()));
    throw error;
  }
  const all = servers as Record<SystemName, VendorServer>;
  return {
    urls: { hubspot: all.hubspot.url, salesforce: all.salesforce.url, zendesk: all.zendesk.url },
    stats: () => ({ hubspot: all.hubspot.stats(), salesforce: all.salesforce.stats(), zendesk: all.zendesk.stats() }),
    writes,
    close: async () => {
      await Promise.all(Object.values(all).map((s) => s.close()));
    },
  };
}
