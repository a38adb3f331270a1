import type { SpocConfig, StateStore } from '@spoc/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metricsRegistry } from './metrics.ts';
import { readiness } from './readiness.ts';

export interface OpsOptions {
  config: SpocConfig;
  store: StateStore;
  now?: () => Date;
}

/**
 * /healthz (the process answers and the state store does), /readyz (every system's latest
 * check and run went well: see readiness.ts) and /metrics (Prometheus text, from the
 * store). The app's guard decides who may read them: the console's requires its token for
 * /metrics when one is set, and none for /healthz and /readyz (security.ts, OPEN_PATHS).
 */
export function registerOps(app: FastifyInstance, options: OpsOptions): void {
  const { store, config } = options;
  const registry = metricsRegistry(store, config, options.now ?? (() => new Date()));
  const unavailable = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    // The cause goes to the log only: these answers reach whoever can reach the port.
    request.log.error({ err: error }, 'the state store does not answer');
    return reply.code(503).header('cache-control', 'no-store').send({ error: 'the state store does not answer' });
  };

  app.get('/healthz', (request, reply) => {
    try {
      store.runs.lockHolder();
    } catch (error) {
      return unavailable(request, reply, error);
    }
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });

  app.get('/readyz', (request, reply) => {
    let state: ReturnType<typeof readiness>;
    try {
      state = readiness(store, config);
    } catch (error) {
      return unavailable(request, reply, error);
    }
    return reply
      .code(state.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(state);
  });

  app.get('/metrics', async (request, reply) => {
    let text: string;
    try {
      text = await registry.metrics();
    } catch (error) {
      return unavailable(request, reply, error);
    }
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(text);
  });
}
