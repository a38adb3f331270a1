import { readFileSync } from 'node:fs';
import type { SandboxSeed } from './types.ts';

/** Reads a seed file (records in each vendor's API shape), with a clear error when it is not one. */
export function loadSeedFile(path: string): SandboxSeed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`seed ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`seed ${path}: expected an object with hubspot, salesforce and/or zendesk`);
  }
  const unknown = Object.keys(parsed).filter((k) => !['hubspot', 'salesforce', 'zendesk'].includes(k));
  if (unknown.length > 0) throw new Error(`seed ${path}: unknown top-level keys ${unknown.join(', ')}`);
  return parsed as SandboxSeed;
}
