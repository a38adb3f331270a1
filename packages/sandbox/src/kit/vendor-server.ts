import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFaults } from './faults.ts';
import { RateWindows } from './rate-windows.ts';
import type { Exchange, Route, SandboxRequest, SandboxResponse, VendorApp, VendorContext } from './types.ts';
import { VendorError } from './vendor-error.ts';

export interface VendorServerOptions {
  host: string;
  port: number;
  /** false turns the vendor's rate limits off (fast tests). */
  rateLimits: boolean;
  /** Multiplies every rate window (0.1 = ten times faster), so benchmarks stay short. */
  timeScale: number;
  /** Keep every request and answer (for contract checks); off by default. */
  record?: boolean;
  /** Refuses a fault spec posted to /__sandbox/faults that names behaviours this vendor lacks. */
  checkFaults?: (spec: ReturnType<typeof parseFaults>) => void;
}

export interface VendorServer {
  url: string;
  close(): Promise<void>;
  stats(): SandboxStats;
  /** What was recorded when `record` is on, oldest first. */
  exchanges(): Exchange[];
}

export interface SandboxStats {
  /** Requests by `METHOD /path/template` (and `METHOD ?` for unmatched paths). */
  requests: Record<string, number>;
  total: number;
  /** 429s the sandbox answered because a client exceeded a limit (not injected ones). */
  throttled: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  faults: Record<string, number>;
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/**
 * One HTTP server for one vendor emulator: routing, credentials, the vendor's rate
 * limits, injected faults, request statistics, and the /__sandbox/* control endpoints
 * (stats, reset, faults, clock, writes).
 */
export function startVendorServer(
  app: VendorApp,
  context: VendorContext & { clockOffset: { ms: number } },
  options: VendorServerOptions,
): Promise<VendorServer> {
  const routes = app.routes.map(compile);
  const windows = new RateWindows(app.buckets, options.timeScale, context.now);
  if (!options.rateLimits) windows.disable();
  let stats = emptyStats();
  let baseUrl = '';
  const recorded: Exchange[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', baseUrl);
    const rawBody = await readBody(req);

    if (url.pathname.startsWith('/__sandbox/')) {
      return send(res, control(url.pathname, req.method ?? 'GET', rawBody, url.searchParams));
    }

    const method = req.method ?? 'GET';
    const match = findRoute(routes, method, url.pathname);
    const key = `${method} ${match?.route.path ?? '?'}`;
    stats.requests[key] = (stats.requests[key] ?? 0) + 1;
    stats.total++;

    const fault = context.faults.forRequest();
    if (fault.delayMs > 0) await delay(fault.delayMs);
    if (fault.kind === 'reset') {
      req.socket.destroy();
      return;
    }

    const request: SandboxRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: parseBody(rawBody, req.headers['content-type']),
      params: match?.params ?? {},
      baseUrl,
    };

    const finish = (res: ServerResponse, response: SandboxResponse) => {
      if (options.record) {
        recorded.push({
          method,
          route: match?.route.path ?? '?',
          path: url.pathname,
          query: url.search,
          request: request.body,
          status: response.status,
          response: response.body,
        });
      }
      finishStats(res, response);
    };

    const isPublic = match !== undefined && (app.public ?? []).includes(match.route.path);
    const denied = isPublic ? null : app.authenticate(request);
    if (denied) return finish(res, denied);
    if (!match) return finish(res, app.error(404, `No route for ${method} ${url.pathname}`));

    const bucketName = match.route.bucket ?? 'default';
    const rate = windows.take(bucketName);
    const rateHeaders = rate ? app.rateHeaders(rate) : {};
    if (rate && rate.remaining < 0) {
      stats.throttled++;
      const limited = app.rateLimited({ ...rate, remaining: 0 });
      return finish(res, { ...limited, headers: { ...rateHeaders, ...limited.headers } });
    }
    if (fault.kind === '5xx')
      return finish(res, withHeaders(app.error(503, 'Service unavailable (injected)'), rateHeaders));
    if (fault.kind === '429') {
      const limited = app.rateLimited({
        bucket: bucketName,
        cap: rate?.cap ?? 0,
        remaining: 0,
        windowMs: rate?.windowMs ?? 1000,
        resetMs: 1000,
      });
      return finish(res, { ...limited, headers: { ...rateHeaders, ...limited.headers } });
    }

    try {
      const response = await match.route.handler(request);
      return finish(res, withHeaders(response, rateHeaders));
    } catch (error) {
      if (error instanceof VendorError) return finish(res, withHeaders(error.response, rateHeaders));
      return finish(res, app.error(500, error instanceof Error ? error.message : String(error)));
    }
  };

  const finishStats = (res: ServerResponse, response: SandboxResponse) => {
    stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1;
    send(res, response);
  };

  const control = (path: string, method: string, rawBody: string, query: URLSearchParams): SandboxResponse => {
    if (path === '/__sandbox/stats' && method === 'GET') {
      return { status: 200, body: { ...stats, faults: { ...context.faults.injected } } };
    }
    if (path === '/__sandbox/reset' && method === 'POST') {
      app.reset();
      context.writes.clear();
      windows.reset();
      stats = emptyStats();
      return { status: 200, body: { reset: true } };
    }
    if (path === '/__sandbox/stats/reset' && method === 'POST') {
      stats = emptyStats();
      windows.reset();
      return { status: 200, body: { reset: true } };
    }
    if (path === '/__sandbox/faults' && method === 'POST') {
      const { spec } = JSON.parse(rawBody || '{}') as { spec?: string };
      try {
        const parsed = parseFaults(spec);
        options.checkFaults?.(parsed);
        context.faults.set(parsed);
      } catch (error) {
        return { status: 400, body: { error: String(error) } };
      }
      return { status: 200, body: { faults: context.faults.spec } };
    }
    if (path === '/__sandbox/clock' && method === 'POST') {
      const { offsetMs } = JSON.parse(rawBody || '{}') as { offsetMs?: number };
      context.clockOffset.ms = Number(offsetMs) || 0;
      return { status: 200, body: { offsetMs: context.clockOffset.ms } };
    }
    if (path === '/__sandbox/writes' && method === 'GET') {
      return { status: 200, body: { writes: context.writes.all() } };
    }
    const own = app.control?.(method, path, query);
    if (own) return own;
    return { status: 404, body: { error: `unknown sandbox control ${method} ${path}` } };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      if (!res.headersSent) send(res, { status: 500, body: { error: String(error) } });
    });
  });
  // Keep idle connections longer than clients do (vendors' load balancers hold them
  // ~60 s), so a client never reuses a socket the server is closing at that instant.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      baseUrl = `http://${options.host}:${port}`;
      resolve({
        url: baseUrl,
        stats: () => ({ ...stats, faults: { ...context.faults.injected } }),
        exchanges: () => [...recorded],
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, names, pattern: new RegExp(`^${source}/?$`) };
}

function findRoute(
  routes: CompiledRoute[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const { route, pattern, names } of routes) {
    if (route.method !== method) continue;
    const m = pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { route, params };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (raw === '') return undefined;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, response: SandboxResponse): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  let payload = '';
  if (response.text !== undefined) {
    payload = response.text;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

function withHeaders(response: SandboxResponse, headers: Record<string, string>): SandboxResponse {
  return { ...response, headers: { ...headers, ...response.headers } };
}

function emptyStats(): SandboxStats {
  return { requests: {}, total: 0, throttled: 0, statuses: {}, faults: {} };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
