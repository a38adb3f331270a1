import { hostname } from 'node:os';

/** Who claims to be running: a run row or the lock row. */
export interface Claimant {
  pid: number;
  host: string;
  /** Latest sign of life (heartbeat, else start or acquisition), ISO-8601. */
  seenAt: string;
}

/**
 * Whether a run or lock holder is gone. On this host the process table decides
 * (a pid is cheap to check and exact); another host's process cannot be checked, so
 * only a claim silent for longer than the TTL is given up on.
 */
export function isAbandoned(claimant: Claimant, now: Date, ttlMs: number): boolean {
  if (claimant.host === hostname()) return !processAlive(claimant.pid);
  return now.getTime() - Date.parse(claimant.seenAt) > ttlMs;
}

/** `kill(pid, 0)` probes without signalling: ESRCH = no such process; EPERM = alive, not ours. */
export function processAlive(pid: number): boolean {
  // 0 and negatives address process groups, which would always look alive.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
