import { type Span, SpanKind } from '@opentelemetry/api';
import { isSpocError } from '../errors/spoc-error.ts';
import { callScope, failSpan, tracer } from './spans.ts';

/** What one VendorGate call went through before it settled. */
export interface CallTally {
  retries: number;
  throttled: number;
}

/**
 * Starts the `spoc.vendor.call` span of one VendorGate call (its queue wait and retries
 * included), a child of the current span and tagged with the scope's system and `what`.
 * Without an SDK it is the no-op span: `isRecording()` is false and the caller skips the rest.
 */
export function startVendorCall(): Span {
  const span = tracer.startSpan('spoc.vendor.call', { kind: SpanKind.CLIENT });
  if (span.isRecording()) {
    const scope = callScope();
    if (scope?.system) span.setAttribute('spoc.system', scope.system);
    if (scope) span.setAttribute('spoc.what', scope.what);
  }
  return span;
}

/** Ends a vendor call's span with its retries and 429s, and the error's code and HTTP status if it failed. */
export function endVendorCall(span: Span, tally: CallTally, error?: unknown): void {
  span.setAttribute('spoc.retries', tally.retries);
  span.setAttribute('spoc.throttled', tally.throttled);
  if (error !== undefined) {
    failSpan(span, error);
    if (isSpocError(error) && error.status !== undefined) span.setAttribute('http.response.status_code', error.status);
  }
  span.end();
}
