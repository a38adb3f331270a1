import { REDACT_CENSOR, REDACT_PATHS } from '@spoc/core';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { maskPrinted } from './mask-output.ts';

/**
 * Logs always go to stderr (stdout is for results and --json): human-readable on a
 * TTY, JSON lines otherwise (cron, CI, Kubernetes). Credentials are redacted by key, and
 * every line is masked of the config's secrets by value once the config is loaded.
 */
export function createLogger(options: { level?: string } = {}): Logger {
  const level = options.level ?? process.env.SPOC_LOG_LEVEL ?? 'info';
  const redact = { paths: REDACT_PATHS, censor: REDACT_CENSOR };
  const hooks = { streamWrite: maskPrinted };
  if (process.stderr.isTTY) {
    return pino(
      { level, redact, hooks },
      pretty({ destination: 2, sync: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }),
    );
  }
  return pino({ level, redact, hooks }, pino.destination({ dest: 2, sync: true }));
}
