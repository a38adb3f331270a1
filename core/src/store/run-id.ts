import { randomBytes } from 'node:crypto';

/**
 * A run id that sorts by start time and reads as one: `r_20261122T101500Z_ab12`.
 * The random tail keeps two runs started in the same second apart.
 */
export function newRunId(at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `r_${stamp}_${randomBytes(2).toString('hex')}`;
}
