import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Span,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { toErrorInfo } from '../errors/spoc-error.ts';

/**
 * A run's trace (docs/ARCHITECTURE.md, "Health and metrics"). Core only talks to
 * `@opentelemetry/api`: until a process registers an SDK (the CLI does when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set) every span is the API's non-recording no-op.
 * Attributes hold ids, counts and error codes only: never a person's email, a vendor's
 * message or anything a secret could hide in.
 */
export const tracer = trace.getTracer('@spoc/core');

/** Which system (and which part of the run) the vendor calls made inside a span are for. */
export interface CallScope {
  system?: string;
  what: string;
}

const SCOPE = createContextKey('spoc.call-scope');

/** The scope the current code runs in (set by `inSpan`), for VendorGate's call spans. */
export function callScope(): CallScope | undefined {
  return context.active().getValue(SCOPE) as CallScope | undefined;
}

/**
 * Runs `fn` inside a span, the current one's child, ended when `fn` settles; a throw is
 * recorded on it (status ERROR) and rethrown. With `scope`, the vendor calls made inside
 * are tagged with its system and `what`.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  scope?: CallScope,
): Promise<T> {
  const parent: Context = scope ? context.active().setValue(SCOPE, scope) : context.active();
  return tracer.startActiveSpan(name, { attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span started and not yet current: `within` runs code as its child (for spans whose end comes later). */
export interface OpenSpan {
  span: Span;
  within<T>(fn: () => Promise<T>): Promise<T>;
}

/** Starts a span under the current one; the caller ends it. `scope` as for `inSpan`. */
export function openSpan(name: string, attributes: Attributes, scope?: CallScope): OpenSpan {
  const span = tracer.startSpan(name, { attributes });
  const inside = trace.setSpan(scope ? context.active().setValue(SCOPE, scope) : context.active(), span);
  return { span, within: (fn) => context.with(inside, fn) };
}

/** Runs `fn` with the vendor calls it makes tagged with `scope`, without a span of its own. */
export function inScope<T>(scope: CallScope, fn: () => Promise<T>): Promise<T> {
  return context.with(context.active().setValue(SCOPE, scope), fn);
}

/**
 * Marks a span failed with the error's code and kind only: a SpocError's message can
 * quote a vendor's reply (an email, an echoed credential), so it stays in the run's
 * report and log, which mask it, and out of the trace.
 */
export function failSpan(span: Span, error: unknown): void {
  markFailed(span, toErrorInfo(error));
}

/** `failSpan` for an error known by its code and kind (a run report's, a check's problems). */
export function markFailed(span: Span, error: { code: string; kind: string }): void {
  span.recordException({ name: 'SpocError', code: error.code, message: `${error.kind} error ${error.code}` });
  span.setAttribute('error.type', error.code);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
}
