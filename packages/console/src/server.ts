import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { ACCOUNT_SORTS, canonicalEmail, type SpocConfig, type StateStore } from '@spoc/core';
import { Cron } from 'croner';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { guardAction } from './action-guard.ts';
import { accountsCsv, accountsFilename, changesCsv, sendCsv } from './csv-exports.ts';
import { SCRIPT_HASH, STYLE_HASH } from './layout.ts';
import { dailyShareOf } from './ops/metrics.ts';
import { readiness } from './ops/readiness.ts';
import { registerOps } from './ops/routes.ts';
import { previewOverrides } from './preview.ts';
import { createGuard, registerGuard, SESSION_COOKIE, startProblem } from './security.ts';
import { registerSyncNow, type SyncRunner } from './sync-now.ts';
import { accountPage } from './views/account.ts';
import { accountsPage, PAGE_SIZE, STATUSES } from './views/accounts.ts';
import { type ConnectionRow, connectionsPage } from './views/connections.ts';
import { errorPage, loginPage } from './views/login.ts';
import { overviewModel, overviewPage } from './views/overview.ts';
import { peoplePage, personPage } from './views/people.ts';
import { previewPage } from './views/preview.ts';
import { runPage } from './views/run.ts';

export interface ConsoleOptions {
  config: SpocConfig;
  store: StateStore;
  /** Address the console will be bound to: beyond loopback it requires `token`. */
  host?: string;
  /** Required from every client when set (cookie after /login, or Authorization: Bearer). */
  token?: string;
  logger?: Logger;
  now?: () => Date;
  /** Runs a sync for "Sync now" (the process that can reach the vendors hands it over); without it the console only reads. */
  sync?: SyncRunner;
}

class BadRequest extends Error {}

/**
 * The admin console (Fastify): overview, accounts, account history, people, and the
 * settle and handover actions, each previewed as a plan and recorded in the audit;
 * the next sync applies them. It reads the state store only; no secret reaches a page.
 */
export async function buildConsole(options: ConsoleOptions): Promise<FastifyInstance> {
  const { config, store } = options;
  const host = options.host ?? '127.0.0.1';
  const problem = startProblem(host, options.token);
  if (problem) throw new BadRequest(problem);
  const now = options.now ?? (() => new Date());
  const guard = createGuard(options.token);
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // One log line per page view would drown the sync's logs; actions and errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
  });
  // First, so every answer carries the headers: pages, errors, redirects and the guard's refusals.
  await app.register(helmet, CONTENT_POLICY);
  // Only /login is limited (below): it is where a token could be guessed.
  await app.register(rateLimit, { global: false });
  await app.register(cookie);
  await app.register(formbody);
  registerGuard(app, guard);
  // /healthz, /readyz (no token: probes cannot log in) and /metrics (the token, when one is set).
  registerOps(app, { config, store, now });
  const syncNow = registerSyncNow(app, { store, runner: options.sync });
  const actor = options.token ? 'token' : 'local';
  const roles = config.roles.map((r) => r.name);

  const sendPage = (reply: FastifyReply, body: string, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error instanceof BadRequest || error instanceof z.ZodError ? 400 : (error.statusCode ?? 500);
    const message = error instanceof z.ZodError ? error.issues.map(describeIssue).join('; ') : error.message;
    if (status >= 500) request.log.error({ err: error }, 'console request failed');
    if (request.url.startsWith('/api/')) return reply.code(status).send({ error: message });
    return sendPage(
      reply,
      errorPage(status, status >= 500 ? 'Something went wrong; see the console log.' : message),
      status,
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const message = `nothing at ${request.url.split('?')[0]}`;
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: message });
    return sendPage(reply, errorPage(404, message), 404);
  });

  // --- reading ---------------------------------------------------------------------

  const overviewData = () => ({
    summary: store.ownership.summary(),
    trend: store.ownership.trend(20),
    runs: store.runs.list(20),
    schedule: config.schedule,
    nextRun: config.schedule ? new Cron(config.schedule, { paused: true }).nextRun(now()) : null,
    actions: store.actions.list(10),
  });
  app.get('/', (_req, reply) =>
    sendPage(reply, overviewPage(overviewData(), { canSync: syncNow.available, csrf: guard.csrfToken })),
  );
  app.get('/api/overview', () => {
    const data = overviewData();
    return { ...overviewModel(data), runs: data.runs, nextRun: data.nextRun, actions: data.actions, trend: data.trend };
  });

  const filterQuery = z.strictObject({
    q: z.string().optional(),
    status: z.enum(['', ...STATUSES], { error: `one of ${STATUSES.join(', ')}` }).optional(),
    role: z
      .string()
      .refine((r) => r === '' || roles.includes(r), { message: `not a configured role (${roles.join(', ')})` })
      .optional(),
    owner: z.string().optional(),
    system: z.enum(['', ...config.enabledSystems], { error: `one of ${config.enabledSystems.join(', ')}` }).optional(),
    page: z.coerce.number().int().positive().default(1),
    sort: z.enum(ACCOUNT_SORTS, { error: `one of ${ACCOUNT_SORTS.join(', ')}` }).default('name'),
    dir: z.enum(['asc', 'desc']).default('asc'),
  });
  const accountsOf = (query: unknown) => {
    const q = filterQuery.parse(query);
    const filter = {
      ...(q.q ? { search: q.q } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.role ? { role: q.role } : {}),
      ...(q.owner ? { owner: q.owner } : {}),
      ...(q.system ? { system: q.system } : {}),
    };
    const sort = { by: q.sort, descending: q.dir === 'desc' };
    return { filter, sort, page: q.page, result: store.ownership.list(filter, pageOf(q.page), sort) };
  };
  app.get('/accounts', (request, reply) => {
    const { filter, sort, page, result } = accountsOf(request.query);
    return sendPage(reply, accountsPage(config, filter, page, result, sort));
  });
  // Every matching row, not one page: unfiltered, it is the ownership report.
  app.get('/accounts.csv', (request, reply) => {
    const { filter, sort } = accountsOf(request.query);
    const all = store.ownership.list(filter, { offset: 0, limit: Number.MAX_SAFE_INTEGER }, sort);
    return sendCsv(reply, accountsFilename(filter), accountsCsv(config, all.rows));
  });
  app.get('/api/accounts', (request) => {
    const { page, result } = accountsOf(request.query);
    return { page, pageSize: PAGE_SIZE, ...result };
  });

  const accountData = (account: string) => {
    const rows = store.ownership.account(account);
    if (rows.length === 0)
      throw Object.assign(new Error(`no account ${account} in the last sync`), { statusCode: 404 });
    return {
      account,
      roles: rows,
      history: store.history.forAccount(account),
      audit: store.runs.changesForAccount(account),
      actions: store.actions.forAccount(account),
    };
  };
  const keyParam = z.object({ key: z.string().min(1) });
  app.get('/accounts/:key', (request, reply) => {
    const { key } = keyParam.parse(request.params);
    const queued = z.object({ queued: z.coerce.number().int().optional() }).parse(request.query).queued;
    const notice = queued ? `Action #${queued} recorded: the next sync writes it.` : undefined;
    return sendPage(reply, accountPage(config, accountData(key), guard.csrfToken, notice));
  });
  app.get('/api/accounts/:key', (request) => accountData(keyParam.parse(request.params).key));

  const runData = (id: string) => {
    const run = store.runs.get(id);
    if (!run) throw Object.assign(new Error(`no run ${id}`), { statusCode: 404 });
    return {
      run,
      changes: store.runs.changesForRun(id),
      notices: store.outbox.forRun(id),
      calls: store.runs.callsOf(id),
    };
  };
  const runParam = z.object({ id: z.string().min(1) });
  app.get('/runs/:id', (request, reply) => {
    const { id } = runParam.parse(request.params);
    const progress = syncNow.progress(id);
    return sendPage(
      reply,
      runPage(config, runData(id), {
        ...(progress ? { progress } : {}),
        csrf: guard.csrfToken,
        canSync: syncNow.available,
      }),
    );
  });
  app.get('/runs/:id/changes.csv', (request, reply) => {
    const { id } = runParam.parse(request.params);
    return sendCsv(reply, `run-${id}-changes.csv`, changesCsv(config, runData(id).changes));
  });
  app.get('/api/runs/:id', (request) => runData(runParam.parse(request.params).id));

  const connectionsData = (): ConnectionRow[] => {
    const ready = readiness(store, config);
    const today = store.metrics.callsSince(`${now().toISOString().slice(0, 10)}T00:00:00.000Z`);
    const dailies = store.metrics.dailyUsage();
    return config.enabledSystems.map((system) => {
      const check = store.mirror.getCursor(system, 'check');
      const failure = store.metrics.lastFailureOn(system);
      const used = today.find((t) => t.system === system);
      const share = dailyShareOf(config, system);
      const allocation = dailies.find((d) => d.system === system);
      return {
        system,
        readiness: ready.systems[system] ?? { ok: false, reason: 'unknown' },
        checkedAt: check === null ? null : (JSON.parse(check) as { at: string }).at,
        ...(failure ? { lastFailure: failure } : {}),
        today: { calls: used?.calls ?? 0, retries: used?.retries ?? 0, throttled: used?.throttled ?? 0 },
        ...(share !== undefined ? { dailyShare: share } : {}),
        ...(allocation ? { daily: allocation } : {}),
      };
    });
  };
  app.get('/connections', (_req, reply) => sendPage(reply, connectionsPage(config, connectionsData())));
  app.get('/api/connections', () => connectionsData());

  const peopleQuery = z.object({ q: z.string().default(''), risk: z.literal('1').optional() });
  app.get('/people', (request, reply) => {
    const q = peopleQuery.parse(request.query);
    return sendPage(reply, peoplePage(config, store.ownership.people(q.q), q.q, q.risk === '1'));
  });
  app.get('/api/people', (request) =>
    store.ownership.people(peopleQuery.parse(request.query).q).map(({ records, ...p }) => p),
  );

  const emailParam = z.object({ email: z.string().min(1) });
  const personOf = (email: string) => {
    const person = store.ownership.person(canonicalEmail(email));
    if (!person) throw Object.assign(new Error(`no person ${email} in the last sync`), { statusCode: 404 });
    return person;
  };
  app.get('/people/:email', (request, reply) => {
    const person = personOf(emailParam.parse(request.params).email);
    const q = z
      .object({ page: z.coerce.number().int().positive().default(1), queued: z.coerce.number().int().optional() })
      .parse(request.query);
    const successors = store.ownership
      .people()
      .filter((p) => p.email !== person.email && Object.values(p.systems).some((s) => s.standing === 'active'))
      .map((p) => p.email);
    return sendPage(
      reply,
      personPage(config, {
        person,
        accounts: store.ownership.list({ owner: person.email }, pageOf(q.page)),
        pageNumber: q.page,
        successors,
        csrf: guard.csrfToken,
        ...(q.queued ? { notice: `Action #${q.queued} recorded: the next sync hands these accounts over.` } : {}),
      }),
    );
  });

  // --- acting: preview, then apply (recorded; the next sync writes) -----------------

  /** An action the guard refuses is not recorded (409, the guard's words), as its preview said. */
  const refuseAboveGuard = (overrides: Parameters<typeof previewOverrides>[2]) => {
    const refused = guardAction(store, config, previewOverrides(store, config, overrides, now()));
    if (refused) throw Object.assign(new Error(refused), { statusCode: 409 });
  };

  const settleForm = z.object({
    role: z.string().refine((r) => roles.includes(r), { message: 'not a configured role' }),
    email: z.string().optional(),
    other: z.string().optional(),
  });
  const settleRequest = (key: string, body: unknown) => {
    const form = settleForm.parse(body);
    const chosen = form.other?.trim() || form.email?.trim();
    if (!chosen) throw new BadRequest('choose an owner, or type the email of someone else');
    const email = canonicalEmail(chosen);
    if (!z.email().safeParse(email).success) throw new BadRequest(`${chosen} is not an email address`);
    const row = accountData(key).roles.find((r) => r.role === form.role);
    if (!row) throw new BadRequest(`${key} has no role ${form.role}`);
    return {
      row,
      email,
      override: { account: key, role: form.role, email, reason: 'settled' as const, openTickets: false },
    };
  };
  app.post('/accounts/:key/settle/preview', (request, reply) => {
    const { key } = keyParam.parse(request.params);
    const { row, email, override } = settleRequest(key, request.body);
    const preview = previewOverrides(store, config, [override], now());
    const refused = guardAction(store, config, preview);
    return sendPage(
      reply,
      previewPage({
        config,
        title: `Settle ${row.role} of ${row.name}: ${email}`,
        section: 'accounts',
        preview,
        apply: { action: `/accounts/${encodeURIComponent(key)}/settle`, fields: { role: row.role, other: email } },
        back: `/accounts/${encodeURIComponent(key)}`,
        csrf: guard.csrfToken,
        ...(refused ? { refused } : {}),
      }),
    );
  });
  app.post('/accounts/:key/settle', (request, reply) => {
    const { key } = keyParam.parse(request.params);
    const { row, email, override } = settleRequest(key, request.body);
    refuseAboveGuard([override]);
    const id = store.actions.record('settle', actor, { account: key, name: row.name, role: row.role, email }, [
      override,
    ]);
    request.log.info({ action: id, account: key, role: row.role }, 'conflict settled from the console');
    return reply.redirect(`/accounts/${encodeURIComponent(key)}?queued=${id}`, 303);
  });

  const handoverForm = z.object({
    to: z.string().min(1, 'choose who takes over'),
    openTickets: z.literal('1').optional(),
  });
  const handoverRequest = (fromParam: string, body: unknown) => {
    const from = personOf(fromParam);
    const form = handoverForm.parse(body);
    const to = personOf(form.to);
    if (to.email === from.email) throw new BadRequest('hand over to someone else');
    const rows = store.ownership.list({ owner: from.email }, { offset: 0, limit: Number.MAX_SAFE_INTEGER }).rows;
    const openTickets = form.openTickets === '1';
    const overrides = rows.map((r) => ({
      account: r.account,
      role: r.role,
      email: to.email,
      reason: 'handover' as const,
      openTickets,
    }));
    return { from, to, openTickets, overrides };
  };
  app.post('/people/:email/handover/preview', (request, reply) => {
    const { email } = emailParam.parse(request.params);
    const { from, to, openTickets, overrides } = handoverRequest(email, request.body);
    const preview = previewOverrides(store, config, overrides, now());
    const refused = guardAction(store, config, preview);
    return sendPage(
      reply,
      previewPage({
        config,
        title: `Hand over ${overrides.length} account roles of ${from.email} to ${to.email}`,
        section: 'people',
        preview,
        ...(refused ? { refused } : {}),
        apply: {
          action: `/people/${encodeURIComponent(from.email)}/handover`,
          fields: { to: to.email, ...(openTickets ? { openTickets: '1' } : {}) },
        },
        back: `/people/${encodeURIComponent(from.email)}`,
        csrf: guard.csrfToken,
      }),
    );
  });
  app.post('/people/:email/handover', (request, reply) => {
    const { email } = emailParam.parse(request.params);
    const { from, to, openTickets, overrides } = handoverRequest(email, request.body);
    refuseAboveGuard(overrides);
    const id = store.actions.record('handover', actor, { from: from.email, to: to.email, openTickets }, overrides);
    request.log.info({ action: id, from: from.email, to: to.email, accounts: overrides.length }, 'handover recorded');
    return reply.redirect(`/people/${encodeURIComponent(from.email)}?queued=${id}`, 303);
  });

  // --- login (only when a token is required) ---------------------------------------

  app.get('/login', (_req, reply) => sendPage(reply, loginPage(false)));
  const loginLimit = {
    // Per client address: ten tries a minute make guessing a 32-character token hopeless.
    max: 10,
    timeWindow: '1 minute',
    errorResponseBuilder: (_request: unknown, context: { statusCode: number; after: string }) =>
      Object.assign(new Error(`Too many login attempts: try again in ${context.after}.`), {
        statusCode: context.statusCode,
      }),
  };
  app.post('/login', { config: { rateLimit: loginLimit } }, (request, reply) => {
    const token = z.object({ token: z.string() }).safeParse(request.body);
    const session = token.success ? guard.session(token.data.token) : null;
    if (!session) return sendPage(reply, loginPage(true), 401);
    reply.setCookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'strict', path: '/' });
    return reply.redirect('/', 303);
  });

  return app;
}

/**
 * Pages are plain HTML and forms: the one stylesheet and the one script (local times)
 * allowed by their hashes, nothing else runs, nothing framed, no referrer beyond this origin. No HSTS and no
 * upgrade-insecure-requests: the console serves plain HTTP on loopback (TLS, if any,
 * is a proxy's job, and its policy to set).
 */
const CONTENT_POLICY = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: [`'sha256-${STYLE_HASH}'`],
      scriptSrc: [`'sha256-${SCRIPT_HASH}'`],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'same-origin' as const },
  strictTransportSecurity: false,
};

function pageOf(page: number): { offset: number; limit: number } {
  return { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** Starts the console; resolves with its URL once listening. */
export async function startConsole(
  options: ConsoleOptions & { port?: number },
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await buildConsole(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close: () => app.close() };
}
