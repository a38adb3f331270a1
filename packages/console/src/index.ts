// @spoc/console public API: the admin console server (`spoc serve`).

export { startProblem } from './security.ts';
export { buildConsole, type ConsoleOptions, startConsole } from './server.ts';
