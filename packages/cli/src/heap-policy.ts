import { setFlagsFromString } from 'node:v8';

/** The commands that read every account. */
const READS_EVERY_ACCOUNT = new Set(['sync', 'plan', 'report', 'schedule', 'demo', 'worker']);

/**
 * Commands that read every account hold the accounts of three systems while they plan
 * (300,000 records at 100,000 accounts) and spend most of their time waiting on vendor
 * rate limits. For them V8's memory-saving heap policy (smaller heap growth, collected
 * sooner) cuts a sync's peak RSS at that size from ~790 to ~470 MB; planning takes a few
 * seconds more CPU, about 3 % of the run's wall time (pnpm bench). Set before the
 * command's modules load, so the heap never grows under the default policy first. The
 * sandbox and the console keep V8's default, faster policy.
 */
export function chooseHeapPolicy(command: string | undefined): void {
  if (command !== undefined && READS_EVERY_ACCOUNT.has(command)) setFlagsFromString('--optimize-for-size');
}
