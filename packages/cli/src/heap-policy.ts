import { setFlagsFromString } from 'node:v8';

/** The commands that read every account. */
const READS_EVERY_ACCOUNT = new Set(['sync', 'plan', 'report', 'schedule', 'demo', 'worker']);

/**
 * Commands that read every account parse and drop millions of short-lived objects (a sync
 * streams the records through the state store and parses each one at least twice; `plan`
 * and `report` hold them all) and spend most of their time waiting on vendor rate limits.
 * V8's default policy lets the heap grow to a multiple of what survives; its memory-saving
 * one (smaller heap growth, collected sooner) keeps it near what is live: a 100,000-account
 * full sync in one process peaks at about 180 MB with it and 360 MB without, for 35 s of CPU
 * instead of 21 s (pnpm bench:long-lived). Set before the command's modules load, so the
 * heap never grows under the default policy first. The sandbox and the console keep V8's
 * default, faster policy.
 */
export function chooseHeapPolicy(command: string | undefined): void {
  if (command !== undefined && READS_EVERY_ACCOUNT.has(command)) setFlagsFromString('--optimize-for-size');
}
