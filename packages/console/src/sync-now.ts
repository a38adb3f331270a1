import type { ProgressEvent, RunReport, StateStore } from '@spoc/core';
import type { FastifyInstance } from 'fastify';

/**
 * Runs one sync as `spoc sync` would (the store's lock, the guard, never --force), or has
 * a worker of the pool run it (a Postgres tenant: the sync is queued). The console is
 * handed one by the process that can reach the vendors or the queue (`spoc serve`); a
 * console without it only reads. It ends with the run it made.
 */
export type SyncRunner = (options: {
  onProgress: (event: ProgressEvent) => void;
  signal: AbortSignal;
}) => Promise<Pick<RunReport, 'runId' | 'status'>>;

/** What the console knows of the sync it started, while it runs. */
export interface SyncProgress {
  runId: string | null;
  /** The latest event of each phase and system ("read hubspot accounts 1,200"). */
  events: ProgressEvent[];
  done: boolean;
  /** Why it never became a run (the vendors' connectors could not be made, say). */
  error?: string;
}

/** How long POST /sync-now waits for the run to be recorded before it answers anyway. */
const START_WAIT_MS = 10_000;

/**
 * POST /sync-now: starts a sync (one at a time from this console) and sends the browser
 * to its run page, which refreshes until the run ends. A run already started here is
 * shown instead of a second; one running elsewhere is refused the lock, and its page
 * says so, as `spoc sync` would.
 */
export function registerSyncNow(
  app: FastifyInstance,
  options: { store: StateStore; runner: SyncRunner | undefined },
): { progress(runId: string): SyncProgress | undefined; available: boolean } {
  const { store, runner } = options;
  const controller = new AbortController();
  let current: (SyncProgress & { finished: Promise<unknown> }) | null = null;

  app.addHook('onClose', async () => {
    // A console that stops lets the current write batch finish, then the run ends cleanly.
    controller.abort(new Error('the console is stopping'));
    await current?.finished;
  });

  app.post('/sync-now', async (request, reply) => {
    if (!runner)
      throw Object.assign(new Error('this console was started without vendor access: run spoc sync instead'), {
        statusCode: 400,
      });
    if (current && !current.done && current.runId) return reply.redirect(runPath(current.runId), 303);
    const known = new Set(store.runs.list(5).map((r) => r.id));
    const progress: SyncProgress & { finished: Promise<unknown> } = {
      runId: null,
      events: [],
      done: false,
      finished: Promise.resolve(),
    };
    current = progress;
    progress.finished = runner({
      signal: controller.signal,
      onProgress: (event) => {
        progress.events = [
          ...progress.events.filter((e) => e.phase !== event.phase || e.system !== event.system),
          event,
        ];
      },
    })
      .then((report) => {
        progress.runId = report.runId;
        request.log.info({ runId: report.runId, status: report.status }, 'sync started from the console finished');
      })
      .catch((error: unknown) => {
        progress.error = error instanceof Error ? error.message : String(error);
        request.log.error({ err: progress.error }, 'console sync failed');
      })
      .finally(() => {
        progress.done = true;
      });
    request.log.info('sync started from the console');
    const started = Date.now();
    while (!progress.runId && !progress.done && Date.now() - started < START_WAIT_MS) {
      const run = store.runs.list(5).find((r) => !known.has(r.id));
      if (run) progress.runId = run.id;
      else await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (progress.runId) return reply.redirect(runPath(progress.runId), 303);
    if (progress.error)
      throw Object.assign(new Error(`the sync could not start: ${progress.error}`), { statusCode: 409 });
    // Still starting (connecting to the vendors): the overview lists it once it is recorded.
    return reply.redirect('/', 303);
  });

  return {
    available: runner !== undefined,
    progress: (runId) => (current?.runId === runId ? current : undefined),
  };
}

const runPath = (runId: string) => `/runs/${encodeURIComponent(runId)}`;
