import type { Mask } from '@spoc/core';

let installed: Mask | undefined;

/**
 * From now on everything spoc prints passes `mask`: stdout (reports, --json), stderr
 * (error messages) and log lines (through `maskPrinted`), whichever command or handler
 * writes them. A vendor error that echoes a credential is printed without it. Each config
 * loaded adds its mask (`spoc worker` loads many): every one applies.
 */
export function maskOutput(mask: Mask): void {
  const first = installed === undefined;
  const before = installed;
  installed = before ? (text) => mask(before(text)) : mask;
  if (!first) return;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === 'string' ? maskPrinted(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}

/** A line masked with the installed mask (unchanged before the config is loaded). */
export function maskPrinted(line: string): string {
  return installed ? installed(line) : line;
}
