import { readFileSync } from 'node:fs';

/**
 * Reads a seed file: records in each vendor's API shape under its emulator's id (one of
 * `ids`), with a clear error when it is not one.
 */
export function loadSeedFile(path: string, ids: readonly string[]): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`seed ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    const keys = ids.length > 1 ? `${ids.slice(0, -1).join(', ')} and/or ${ids.at(-1)}` : (ids[0] ?? 'nothing');
    throw new Error(`seed ${path}: expected an object with ${keys}`);
  }
  const unknown = Object.keys(parsed).filter((k) => !ids.includes(k));
  if (unknown.length > 0) throw new Error(`seed ${path}: unknown top-level keys ${unknown.join(', ')}`);
  return parsed as Record<string, unknown>;
}
