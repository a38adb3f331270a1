import { type Attributes, SpanStatusCode } from '@opentelemetry/api';
import type { CascadeOutcome } from '../run/cascade-phase.ts';
import type { RunOptions, RunReport } from '../run/run-types.ts';
import { failSpan, markFailed, tracer } from './spans.ts';

/**
 * The root `spoc.sync` span of a run: every phase's span is its child. It ends once the
 * report is made (notices delivered, the run recorded), with the run's id, outcome and
 * counts; a run that failed, or finished with record failures, is marked ERROR.
 */
export function traceRun(options: RunOptions, run: () => Promise<RunReport>): Promise<RunReport> {
  const attributes = {
    'spoc.run.dry_run': options.dryRun,
    'spoc.run.full': options.full,
    'spoc.run.force': options.force,
  };
  return tracer.startActiveSpan('spoc.sync', { attributes }, async (span) => {
    try {
      const report = await run();
      if (span.isRecording()) {
        span.setAttributes(reportAttributes(report));
        if (report.error) markFailed(span, report.error);
        else if (report.status === 'partial') span.setStatus({ code: SpanStatusCode.ERROR, message: 'partial' });
      }
      return report;
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function reportAttributes(report: RunReport): Attributes {
  const attributes: Attributes = {
    'spoc.run.id': report.runId,
    'spoc.run.status': report.status,
    'spoc.run.duration_ms': report.durationMs ?? 0,
    'spoc.run.calls': Object.values(report.calls ?? {}).reduce((n, c) => n + c.calls, 0),
  };
  for (const [key, value] of Object.entries(report.counts)) attributes[`spoc.run.${snake(key)}`] = value;
  return attributes;
}

/** What the cascades moved, for the `spoc.cascade.apply` span. */
export function cascadeAttributes(outcome: CascadeOutcome): Attributes {
  return {
    'spoc.cascade.updated': outcome.summaries.reduce((n, s) => n + s.updated, 0),
    'spoc.cascade.failed': outcome.summaries.reduce((n, s) => n + s.failed, 0),
  };
}

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
