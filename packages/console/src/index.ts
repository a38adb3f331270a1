// @spoc/console public API: the admin console server (`spoc serve`).
export { buildConsole, type ConsoleOptions, startConsole } from './server.ts';
