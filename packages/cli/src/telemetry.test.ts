import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTelemetry } from './telemetry.ts';

interface Export {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A collector's OTLP/HTTP endpoint on loopback, keeping what it is sent. */
async function receiver(status = 200) {
  const received: Export[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, { 'content-type': String(req.headers['content-type']) }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A warn-level logger whose lines the test reads. */
function capture() {
  const lines: { msg: string; protocol?: string }[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}

const recording = () => trace.getTracer('test').startSpan('probe').isRecording();

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('startTelemetry', () => {
  it('starts nothing without an OTLP endpoint: spans stay the API’s no-ops', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', '');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', '');
    expect(await startTelemetry(process.env, capture().logger)).toBeNull();
    expect(recording()).toBe(false);
  });

  it('exports over OTLP/HTTP protobuf by default to <endpoint>/v1/traces as service spoc, flushed by shutdown', async () => {
    const collector = await receiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', collector.url);
    const telemetry = await startTelemetry(process.env, capture().logger);
    expect(telemetry).not.toBeNull();
    trace.getTracer('test').startSpan('spoc.probe').end();
    await telemetry?.shutdown();
    await collector.close();

    expect(collector.received.map((r) => [r.path, r.headers['content-type']])).toEqual([
      ['/v1/traces', 'application/x-protobuf'],
    ]);
    const body = collector.received[0]?.body.toString('latin1') ?? '';
    expect(body).toContain('spoc.probe');
    expect(body).toMatch(/service\.name.{2,6}spoc/s);
    // Shut down, the API is back to its no-ops.
    expect(recording()).toBe(false);
  });

  it('sends JSON when OTEL_EXPORTER_OTLP_PROTOCOL=http/json, named by OTEL_SERVICE_NAME when set', async () => {
    const collector = await receiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', `${collector.url}/custom/path`);
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_SERVICE_NAME', 'spoc-eu');
    const telemetry = await startTelemetry(process.env, capture().logger);
    trace.getTracer('test').startSpan('spoc.probe').end();
    await telemetry?.shutdown();
    await collector.close();

    expect(collector.received.map((r) => [r.path, r.headers['content-type']])).toEqual([
      ['/custom/path', 'application/json'],
    ]);
    const sent = JSON.parse(collector.received[0]?.body.toString() ?? '{}') as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { spans: { name: string }[] }[];
      }[];
    };
    const [resourceSpans] = sent.resourceSpans;
    expect(resourceSpans?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue).toBe('spoc-eu');
    expect(resourceSpans?.scopeSpans.flatMap((s) => s.spans.map((span) => span.name))).toEqual(['spoc.probe']);
  });

  it('a collector that refuses the spans costs a warning at shutdown, not the command', async () => {
    const collector = await receiver(400);
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', collector.url);
    const { logger, lines } = capture();
    const telemetry = await startTelemetry(process.env, logger);
    trace.getTracer('test').startSpan('spoc.probe').end();
    await expect(telemetry?.shutdown()).resolves.toBeUndefined();
    await collector.close();
    expect(collector.received).toHaveLength(1);
    expect(lines.map((l) => l.msg)).toContain('traces could not be exported');
  });

  it('refuses gRPC with a warning and leaves the run untraced rather than failing it', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://127.0.0.1:4317');
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc');
    const { logger, lines } = capture();
    expect(await startTelemetry(process.env, logger)).toBeNull();
    expect(lines.map((l) => [l.protocol, l.msg])).toEqual([
      [
        'grpc',
        'OTEL_EXPORTER_OTLP_PROTOCOL: spoc exports traces over http/protobuf or http/json only; no traces are sent',
      ],
    ]);
    expect(recording()).toBe(false);
  });
});
