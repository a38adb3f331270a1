import type { Mask } from '@spoc/core';

let installed: Mask | undefined;

/**
 * Everything spoc prints passes `mask`: stdout (reports, --json) and stderr (error
 * messages), whichever command or handler writes them. A vendor error that echoes a
 * credential is printed without it. Installed once, when the config is known.
 */
export function maskOutput(mask: Mask): void {
  if (installed) return;
  installed = mask;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) =>
      write(typeof chunk === 'string' ? mask(chunk) : chunk, ...rest)) as typeof stream.write;
  }
}
