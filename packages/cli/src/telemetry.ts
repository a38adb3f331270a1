import type { Logger } from 'pino';

/** A started trace SDK: `shutdown` exports what is buffered, then stops it. */
export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry traces of a run (README, "Health and metrics"): core makes its spans
 * through `@opentelemetry/api`, no-ops until this registers an SDK, which it does only
 * when an OTLP endpoint is configured; otherwise none of the SDK's modules is even loaded.
 * The exporter reads the standard variables itself (OTEL_EXPORTER_OTLP_ENDPOINT plus
 * /v1/traces, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as is, _HEADERS, _TIMEOUT,
 * _COMPRESSION); the protocol is http/protobuf unless OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL
 * says http/json, the spec's default and its alternative over HTTP
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/). service.name is `spoc`
 * unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES names it.
 */
export async function startTelemetry(env: NodeJS.ProcessEnv = process.env, given?: Logger): Promise<Telemetry | null> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return null;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  const logger = given ?? (await import('./logger.ts')).createLogger();
  const protocol = (
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
    env.OTEL_EXPORTER_OTLP_PROTOCOL ??
    'http/protobuf'
  ).trim();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    // A trace setting never stops a sync: the run goes on untraced, and says why.
    logger.warn(
      { protocol },
      'OTEL_EXPORTER_OTLP_PROTOCOL: spoc exports traces over http/protobuf or http/json only; no traces are sent',
    );
    return null;
  }

  const [api, { AsyncLocalStorageContextManager }, sdk, resources, exporter] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
    protocol === 'http/json'
      ? import('@opentelemetry/exporter-trace-otlp-http')
      : import('@opentelemetry/exporter-trace-otlp-proto'),
  ]);
  // The SDK's own troubles (an endpoint that refuses the export) go to spoc's log, not lost.
  const log = logger.child({ component: 'opentelemetry' });
  api.diag.setLogger(
    {
      error: (message) => log.warn(message),
      warn: (message) => log.warn(message),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    api.DiagLogLevel.WARN,
  );
  // Later resources win a merge: the SDK's defaults, then spoc's name, then the environment's.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'spoc' }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.TracerProvider({
    resource,
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new exporter.OTLPTraceExporter() })],
  });
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.trace.setGlobalTracerProvider(provider);
  log.debug({ protocol }, 'exporting traces');
  return {
    async shutdown() {
      // An unreachable collector costs at most the export timeout (OTEL_EXPORTER_OTLP_TIMEOUT,
      // 10 s by default) and a warning: never the run's outcome or exit code.
      try {
        await provider.shutdown();
      } catch (error) {
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'traces could not be exported');
      }
      api.trace.disable();
      api.context.disable();
      api.diag.disable();
    },
  };
}

/**
 * A command's action with tracing started around it (when configured), and the spans
 * flushed before the process exits, however the action ends.
 */
export function traced<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    const telemetry = await startTelemetry();
    try {
      await action(...args);
    } finally {
      await telemetry?.shutdown();
    }
  };
}
