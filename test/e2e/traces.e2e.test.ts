import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EMULATORS, type EmulatorId } from '@spoc/cli';
import { demoSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoWorkspace, ROOT, spoc } from './helpers.ts';

// `spoc sync` against the sandbox with OTEL_EXPORTER_OTLP_ENDPOINT set: what a collector
// receives over OTLP/HTTP (JSON, so the test reads it as sent).

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: AnyValue }[];
  status?: { code?: number };
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: AnyValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

interface Span {
  id: string;
  parent: string;
  trace: string;
  name: string;
  attributes: Record<string, string | number | boolean>;
  status: number;
}

const plain = (v: AnyValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue ?? '';

/** A collector's OTLP/HTTP traces endpoint on loopback. */
async function collector() {
  const exports: { path: string; type: string; body: OtlpExport }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      exports.push({ path: req.url ?? '', type: String(req.headers['content-type']), body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spans = (): Span[] =>
    exports.flatMap((e) =>
      e.body.resourceSpans.flatMap((r) =>
        r.scopeSpans.flatMap((s) =>
          s.spans.map((span) => ({
            id: span.spanId,
            parent: span.parentSpanId ?? '',
            trace: span.traceId,
            name: span.name,
            attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, plain(a.value)])),
            status: span.status?.code ?? 0,
          })),
        ),
      ),
    );
  const services = () =>
    exports.flatMap((e) =>
      e.body.resourceSpans.map((r) => plain(r.resource.attributes.find((a) => a.key === 'service.name')?.value ?? {})),
    );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports,
    spans,
    services,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

let sandbox: Sandbox<EmulatorId>;
let workspace: ReturnType<typeof demoWorkspace>;
let otlp: Awaited<ReturnType<typeof collector>>;

beforeAll(async () => {
  sandbox = await startSandbox({ emulators: EMULATORS, seed: demoSeed(), port: 0, rateLimits: false });
  workspace = demoWorkspace(sandbox);
  otlp = await collector();
});
afterAll(async () => {
  await sandbox?.close();
  await otlp?.close();
  rmSync(workspace.dir, { recursive: true, force: true });
});

describe('spoc sync with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('sends the run as one trace: spoc.sync, its phases, a batch span per write batch, vendor calls per system', async () => {
    const result = await spoc(['sync', '--json', '-c', workspace.config], {
      ...workspace.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    // stdout is still the one JSON document; the spans were flushed before the process ended.
    const report = JSON.parse(result.stdout) as {
      runId: string;
      status: string;
      counts: { written: number; failed: number };
      calls: Record<string, { calls: number }>;
    };
    expect(result.code).toBe(0);
    expect(report.status).toBe('ok');
    expect(report.counts.written).toBeGreaterThan(0);

    expect(otlp.exports.length).toBeGreaterThan(0);
    expect(new Set(otlp.exports.map((e) => [e.path, e.type].join(' ')))).toEqual(
      new Set(['/v1/traces application/json']),
    );
    expect(new Set(otlp.services())).toEqual(new Set(['spoc']));

    const spans = otlp.spans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const children = (parent: Span) => spans.filter((s) => s.parent === parent.id);
    const [root, ...others] = named('spoc.sync');
    expect(others).toEqual([]);
    if (!root) throw new Error('no spoc.sync span');
    expect(root.parent).toBe('');
    expect(new Set(spans.map((s) => s.trace))).toEqual(new Set([root.trace]));
    expect(root.attributes).toMatchObject({
      'spoc.run.id': report.runId,
      'spoc.run.status': 'ok',
      'spoc.run.dry_run': false,
      'spoc.run.written': report.counts.written,
    });
    expect(children(root).map((s) => s.name)).toEqual([
      'spoc.check',
      'spoc.read',
      'spoc.plan',
      'spoc.cascade.preview',
      'spoc.attribute',
      'spoc.apply',
      'spoc.cascade.apply',
      'spoc.record',
      'spoc.notify',
    ]);

    const systems = ['hubspot', 'salesforce', 'zendesk'];
    const [read] = named('spoc.read');
    const reads = children(read as Span);
    expect(reads.map((s) => s.attributes['spoc.system']).sort()).toEqual(systems);
    for (const system of systems) {
      // Each system's reads are its vendor calls, under its own read span.
      const own = reads.find((s) => s.attributes['spoc.system'] === system) as Span;
      const calls = children(own).filter((s) => s.name === 'spoc.vendor.call');
      expect(calls.length, system).toBeGreaterThan(0);
      expect(calls.every((c) => c.attributes['spoc.system'] === system && c.attributes['spoc.what'] === 'read')).toBe(
        true,
      );
      // One span per vendor call the report counts (no retries here: nothing failed).
      const traced = named('spoc.vendor.call').filter((c) => c.attributes['spoc.system'] === system);
      expect(traced.length, system).toBe(report.calls[system]?.calls);
      expect(traced.every((c) => c.status !== 2 && c.attributes['spoc.retries'] === 0)).toBe(true);
    }

    // The write batches: under spoc.apply, their counts adding up to the report's.
    const [apply] = named('spoc.apply');
    const batches = children(apply as Span);
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.name === 'spoc.write.batch')).toBe(true);
    const sum = (key: string) => batches.reduce((n, b) => n + Number(b.attributes[key]), 0);
    expect(sum('spoc.batch.written')).toBe(report.counts.written);
    expect(sum('spoc.batch.failed')).toBe(report.counts.failed);
    for (const batch of batches) {
      const calls = children(batch);
      expect(calls.length).toBeGreaterThan(0);
      expect(calls.every((c) => c.attributes['spoc.system'] === batch.attributes['spoc.system'])).toBe(true);
    }

    // Ids and counts: the demo's people are all @acme.test, and none of them is in the trace.
    const strings = spans.flatMap((s) => Object.values(s.attributes).filter((v) => typeof v === 'string'));
    expect(strings.filter((v) => v.includes('@'))).toEqual([]);
  }, 60_000);

  it('spoc schedule flushes its last run’s spans when SIGTERM stops it', async () => {
    // A tick every second; the test stops the scheduler as soon as one run has finished,
    // before the SDK's 5-second batch timer could have sent that run's root span.
    const scheduled = demoWorkspace(sandbox, (yaml) => `${yaml}\nschedule: "* * * * * *"\n`);
    const before = new Set(otlp.spans().map((s) => s.id));
    const child = spawn(
      process.execPath,
      [join(ROOT, 'packages/cli/src/main.ts'), 'schedule', '-c', scheduled.config],
      {
        env: {
          ...process.env,
          ...scheduled.env,
          SPOC_LOG_LEVEL: 'info',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const runId = await new Promise<string>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
        const line = err.split('\n').find((l) => l.includes('scheduled run finished'));
        if (line) resolve((JSON.parse(line) as { runId: string }).runId);
      });
      child.once('exit', (code) => reject(new Error(`spoc schedule exited with ${code}: ${err}`)));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    rmSync(scheduled.dir, { recursive: true, force: true });

    const roots = otlp.spans().filter((s) => s.name === 'spoc.sync' && !before.has(s.id));
    expect(roots.map((s) => s.attributes['spoc.run.id'])).toContain(runId);
  }, 60_000);
});
