import type { SpocConfig } from '@spoc/core';
import { configPath, loadConfigOfflineOrExit, loadConfigOrExit } from '../config-file.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * `spoc validate`: exit 0 valid, 2 invalid with FILE:LINE:COL path: message lines on stderr.
 * `--offline` checks everything but the secrets: a variable or secret file not provided
 * here is listed, not an error (a CI job validating the config holds no credentials).
 */
export function validateCommand(options: { config?: string; offline?: boolean }): number {
  const path = configPath(options.config);
  if (!options.offline) {
    process.stdout.write(`${path}: valid (${summary(loadConfigOrExit(path))})\n`);
    return EXIT.ok;
  }
  const { config, missing } = loadConfigOfflineOrExit(path);
  process.stdout.write(`${path}: structure valid (${summary(config)})\n`);
  if (missing.length > 0) {
    process.stdout.write('not provided here, so not checked:\n');
    for (const m of missing) process.stdout.write(`  ${m.path}: ${m.reference}\n`);
  }
  return EXIT.ok;
}

function summary(config: SpocConfig): string {
  return `systems: ${config.enabledSystems.join(', ')}; roles: ${config.roles.map((r) => r.name).join(', ')}`;
}
