import type { ProgressEvent } from '@spoc/core';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/** Progress bars on stderr when it is a terminal; nothing otherwise (cron, CI, pipes). */
export function createProgress(): { onProgress?: (e: ProgressEvent) => void; stop(): void } {
  if (!process.stderr.isTTY) return { stop: () => {} };
  const multibar = new MultiBar(
    { stream: process.stderr, format: ' {label} |{bar}| {value}/{total}', hideCursor: true, clearOnComplete: false },
    Presets.shades_grey,
  );
  const bars = new Map<string, SingleBar>();
  const bar = (label: string, total: number) => {
    let b = bars.get(label);
    if (!b) {
      b = multibar.create(total, 0, { label: label.padEnd(22) });
      bars.set(label, b);
    }
    return b;
  };
  return {
    onProgress: (e) => {
      if (e.phase === 'read') {
        const b = bar(`read ${e.system} ${e.what}`, e.records);
        b.setTotal(e.records);
        b.update(e.records);
      } else {
        bar(`write ${e.system}`, e.total).update(e.done);
      }
    },
    stop: () => multibar.stop(),
  };
}
