import type { RunReport } from '@spoc/core';

/** docs/ARCHITECTURE.md, "The CLI contract": 0 ok; 1 finished with record-level failures (or failed); 2 usage/config; 3 refused. */
export const EXIT = { ok: 0, failures: 1, usage: 2, refused: 3 } as const;

export function exitCodeOf(report: RunReport): number {
  switch (report.status) {
    case 'ok':
      return EXIT.ok;
    case 'refused':
      return EXIT.refused;
    case 'partial':
      return EXIT.failures;
    case 'failed':
      return report.error?.kind === 'config' || report.error?.kind === 'auth' ? EXIT.usage : EXIT.failures;
  }
}
