import { configPath, loadConfigOrExit } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/** `spoc validate`: exit 0 valid, 2 invalid with FILE:LINE:COL path: message lines on stderr. */
export function validateCommand(options: { config?: string }): number {
  const path = configPath(options.config);
  const config = loadConfigOrExit(path);
  const roles = config.roles.map((r) => r.name).join(', ');
  process.stdout.write(`${path}: valid (systems: ${config.enabledSystems.join(', ')}; roles: ${roles})\n`);
  return EXIT.ok;
}
