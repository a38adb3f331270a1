import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.ts';
import type { CheckResult } from '../domain/connector.ts';
import type { AssignmentWrite, SystemId, WriteResult } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import { VendorGate } from '../http/vendor-gate.ts';
import { runSync } from '../run/run-sync.ts';
import { openStore } from '../store/state-store.ts';
import { linkedAccounts } from '../testing/memory-book.ts';
import { MemoryConnector } from '../testing/memory-connector.ts';
import { MEMORY_SYSTEMS, memoryRegistry } from '../testing/memory-definitions.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';

// A run's spans, as an OTLP exporter would receive them: the SDK registered for this file
// only, the spans kept in memory.
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

/** A memory vendor whose check and writes go through a VendorGate, as a real connector's calls do. */
class GatedConnector extends MemoryConnector {
  readonly gate = new VendorGate({ cap: 100, intervalMs: 1000, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
  /** Answers the next N calls with a 429 (retried by the gate). */
  throttleNext = 0;
  /** What check() throws, if anything. */
  checkFails: Error | null = null;

  override check(): Promise<CheckResult> {
    return this.gate.run(async () => {
      if (this.checkFails) throw this.checkFails;
      return super.check();
    });
  }

  override writeAssignments(writes: AssignmentWrite[]): Promise<WriteResult[]> {
    return this.gate.run(async () => {
      if (this.throttleNext > 0) {
        this.throttleNext--;
        throw new SpocError('transient', 'RATE_LIMITED', 'slow down', { status: 429, retryAfterMs: 1 });
      }
      return super.writeAssignments(writes);
    });
  }
}

/** Three memory vendors, every customer owned by anna everywhere; the CRM decides. */
function world(accounts: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'spoc-trace-')), 'state.db');
  const config = parseConfig(
    memoryWorldYaml(path, 'safety: { maxChanges: 100% }'),
    '/etc/spoc/spoc.yaml',
    memoryRegistry(MEMORY_SYSTEMS, { links: true }),
    { T: 't' },
  );
  const [marketing, crm, helpdesk] = MEMORY_SYSTEMS.map(
    (system: SystemId) =>
      new GatedConnector(
        system,
        ['anna', 'bruno'].map((p) => ({ system, id: `${system}-${p}`, email: `${p}@acme.test`, active: true })),
        linkedAccounts(system, accounts, 'anna'),
        { owner: 'id' },
      ),
  ) as [GatedConnector, GatedConnector, GatedConnector];
  const store = openStore(path);
  const sync = () =>
    runSync(
      { config, connectors: [marketing, crm, helpdesk], store, logger: pino({ level: 'silent' }) },
      { dryRun: false, full: false, force: false, batchSize: 2 },
    );
  return { marketing, crm, helpdesk, sync };
}

const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);
const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan) =>
  spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
const only = (spans: ReadableSpan[], name: string) => {
  const found = byName(spans, name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReadableSpan;
};

/** Every string a span carries: its attributes' values and its events' (an exception's message). */
function strings(span: ReadableSpan): string[] {
  const values = [span.attributes, ...span.events.map((e) => e.attributes ?? {})].flatMap((a) => Object.values(a));
  return [...values.flat().filter((v): v is string => typeof v === 'string'), span.status.message ?? ''];
}

describe('a sync run traced', () => {
  it('nests each phase under spoc.sync, one write-batch span per batch with its counts, vendor calls by system', async () => {
    const w = world(5);
    await w.sync();
    // The CRM re-owns every customer: 5 writes to marketing and to helpdesk, in batches of 2.
    for (const r of w.crm.accounts.values()) r.roles.owner = { id: 'crm-bruno' };
    w.marketing.refuse.add('marketing3');
    w.helpdesk.throttleNext = 1;
    exporter.reset();

    const report = await w.sync();
    expect(report.status).toBe('partial');
    const spans = exporter.getFinishedSpans();

    const root = only(spans, 'spoc.sync');
    expect(root.parentSpanContext).toBeUndefined();
    expect(new Set(spans.map((s) => s.spanContext().traceId))).toEqual(new Set([root.spanContext().traceId]));
    expect(root.attributes).toMatchObject({
      'spoc.run.id': report.runId,
      'spoc.run.dry_run': false,
      'spoc.run.full': false,
      'spoc.run.status': 'partial',
      'spoc.run.changes': 10,
      'spoc.run.written': 9,
      'spoc.run.failed': 1,
    });
    // Record failures fail the run's exit code, so they mark its trace too.
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'partial' });
    expect(childrenOf(spans, root).map((s) => s.name)).toEqual([
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

    const reads = childrenOf(spans, only(spans, 'spoc.read'));
    expect(reads.map((s) => [s.name, s.attributes['spoc.system'], s.attributes['spoc.read.records']]).sort()).toEqual([
      ['spoc.read.system', 'crm', 5],
      ['spoc.read.system', 'helpdesk', 5],
      ['spoc.read.system', 'marketing', 5],
    ]);
    expect(only(spans, 'spoc.plan').attributes).toMatchObject({ 'spoc.plan.changes': 10, 'spoc.plan.accounts': 5 });

    const batches = childrenOf(spans, only(spans, 'spoc.apply'));
    const counts = (system: string) =>
      batches
        .filter((b) => b.attributes['spoc.system'] === system)
        .map((b) => [
          b.attributes['spoc.batch.records'],
          b.attributes['spoc.batch.written'],
          b.attributes['spoc.batch.failed'],
        ]);
    expect(batches.every((b) => b.name === 'spoc.write.batch')).toBe(true);
    expect(counts('marketing')).toEqual([
      [2, 2, 0],
      [2, 1, 1],
      [1, 1, 0],
    ]);
    expect(counts('helpdesk')).toEqual([
      [2, 2, 0],
      [2, 2, 0],
      [1, 1, 0],
    ]);
    expect(counts('crm')).toEqual([]);

    // One vendor-call span per gate call, a child of its batch, with the batch's system
    // and what the 429 cost.
    for (const batch of batches) {
      const calls = childrenOf(spans, batch);
      expect(calls.map((c) => c.name)).toEqual(['spoc.vendor.call']);
      expect(calls[0]?.attributes).toMatchObject({
        'spoc.system': batch.attributes['spoc.system'],
        'spoc.what': 'write',
      });
    }
    const throttled = byName(spans, 'spoc.vendor.call').filter((c) => c.attributes['spoc.throttled'] === 1);
    expect(throttled.map((c) => [c.attributes['spoc.system'], c.attributes['spoc.retries']])).toEqual([
      ['helpdesk', 1],
    ]);
    expect(throttled[0]?.status.code).toBe(SpanStatusCode.UNSET);

    // Ids and counts only: no person's email anywhere in the trace.
    for (const span of spans) for (const value of strings(span)) expect(value, span.name).not.toContain('@');
  });

  it('a run that fails marks its root span and the failing phase ERROR, with the code and no vendor text', async () => {
    const w = world(1);
    w.helpdesk.checkFails = new SpocError('auth', 'HELPDESK_UNAUTHORIZED', 'token of anna@acme.test was revoked', {
      status: 401,
    });
    const report = await w.sync();
    expect(report.status).toBe('failed');
    const spans = exporter.getFinishedSpans();

    const root = only(spans, 'spoc.sync');
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'CHECK_FAILED' });
    expect(root.attributes).toMatchObject({ 'spoc.run.status': 'failed', 'error.type': 'CHECK_FAILED' });
    expect(only(spans, 'spoc.check').status.code).toBe(SpanStatusCode.ERROR);
    expect(byName(spans, 'spoc.read')).toEqual([]);

    const failedCheck = byName(spans, 'spoc.check.system').find((s) => s.attributes['spoc.system'] === 'helpdesk');
    expect(failedCheck?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'HELPDESK_UNAUTHORIZED' });
    const call = childrenOf(spans, failedCheck as ReadableSpan)[0];
    expect(call?.attributes).toMatchObject({
      'spoc.system': 'helpdesk',
      'spoc.what': 'check',
      'error.type': 'HELPDESK_UNAUTHORIZED',
      'http.response.status_code': 401,
      'spoc.retries': 0,
    });
    expect(call?.events.map((e) => e.attributes)).toEqual([
      { 'exception.type': 'HELPDESK_UNAUTHORIZED', 'exception.message': 'auth error HELPDESK_UNAUTHORIZED' },
    ]);
    for (const span of spans) for (const value of strings(span)) expect(value, span.name).not.toContain('@');
  });
});
