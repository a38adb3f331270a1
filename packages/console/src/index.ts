// @spoc/console public API: the admin console server (`spoc serve`).

export { type OpsOptions, registerOps } from './ops/routes.ts';
export { type OpsServerOptions, startOpsServer } from './ops/server.ts';
export { startProblem } from './security.ts';
export { buildConsole, type ConsoleOptions, startConsole } from './server.ts';
export type { SyncRunner } from './sync-now.ts';
