import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'spoc_console';

/** Loopback addresses: bound there, the console needs no token (only this machine reaches it). */
function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/** A shorter token could be guessed by a patient script even with /login rate-limited. */
const MIN_TOKEN_LENGTH = 32;

/**
 * Why the console must not start with this address and token, or null when it may:
 * beyond loopback a token is required, and a token must be long. `source` names where
 * the token came from, for the message.
 */
export function startProblem(host: string, token: string | undefined, source = 'SPOC_CONSOLE_TOKEN'): string | null {
  if (token === undefined) {
    return isLoopback(host) ? null : `the console bound to ${host} needs a token: set SPOC_CONSOLE_TOKEN`;
  }
  if (token.length < MIN_TOKEN_LENGTH) {
    return `${source} holds ${token.length} characters: the console token needs at least ${MIN_TOKEN_LENGTH} (make one with: openssl rand -hex 32)`;
  }
  return null;
}

/**
 * Read without a token: the login page, and the probes (an orchestrator's health checks
 * cannot log in; they tell up or down and error codes, no data).
 */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/login', '/healthz', '/readyz']);

const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i;

/**
 * Whether a Host header names this machine's loopback at the port the console is bound
 * to. A page on a rebinding host name (evil.example resolving to 127.0.0.1) reaches the
 * same socket but sends its own name, so it is told apart here.
 */
function isOwnLoopbackHost(host: string | undefined, port: number | undefined): boolean {
  const match = LOOPBACK_HOST.exec(host ?? '');
  if (!match || port === undefined) return false;
  return Number(match[1] ?? 80) === port;
}

export interface Guard {
  /** A token was given (always so beyond loopback): without one, the Host header is checked instead. */
  tokenRequired: boolean;
  /** Sent with every form and required back on every POST. */
  csrfToken: string;
  /** Whether a request may read or act (token given when the console is bound beyond loopback). */
  authorised(request: FastifyRequest): boolean;
  /** The cookie value a correct token logs in with (an HMAC of it: the token itself never sits in a cookie). */
  session(token: string): string | null;
}

export function createGuard(token: string | undefined): Guard {
  const csrfToken = randomBytes(24).toString('base64url');
  const sessionOf = (t: string) => createHmac('sha256', t).update('spoc-console-session').digest('base64url');
  const expected = token ? sessionOf(token) : null;
  return {
    tokenRequired: token !== undefined,
    csrfToken,
    authorised(request) {
      if (!token || !expected) return true;
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (bearer !== undefined && same(sessionOf(bearer), expected)) return true;
      const cookie = request.cookies[SESSION_COOKIE];
      return cookie !== undefined && same(cookie, expected);
    },
    session(given) {
      return token && expected && same(sessionOf(given), expected) ? expected : null;
    },
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Every request: without a token, only this machine's own loopback name and port (DNS
 * rebinding); with one, the token. Every POST: same-origin only (Origin and
 * Sec-Fetch-Site, when the browser sends them) and the form's CSRF token, so a page on
 * another site cannot make an admin's browser act.
 */
export function registerGuard(app: FastifyInstance, guard: Guard): void {
  const boundPort = () => (app.server.address() as AddressInfo | null)?.port;
  app.addHook('onRequest', async (request, reply) => {
    if (!guard.tokenRequired && !isOwnLoopbackHost(request.headers.host, boundPort())) {
      const port = boundPort() ?? 'PORT';
      return reply.code(421).send({
        error: `misdirected request: this console answers only at 127.0.0.1:${port}, localhost:${port} or [::1]:${port}`,
      });
    }
    const path = request.url.split('?')[0];
    if (!OPEN_PATHS.has(path ?? '') && !guard.authorised(request)) {
      // Pages send a browser to log in; the API and /metrics (read by programs) answer 401.
      if (request.method === 'GET' && !path?.startsWith('/api/') && path !== '/metrics')
        return reply.redirect('/login', 303);
      return reply.code(401).send({ error: 'unauthorised: log in or send Authorization: Bearer <token>' });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD' && !sameOrigin(request)) {
      return reply.code(403).send({ error: 'cross-site request refused' });
    }
  });
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST' || request.url.split('?')[0] === '/login') return;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const given = typeof body._csrf === 'string' ? body._csrf : '';
    if (!same(given, guard.csrfToken)) {
      return reply.code(403).send({ error: 'missing or stale form token: reload the page and try again' });
    }
  });
}

function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
