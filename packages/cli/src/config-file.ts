import {
  ConfigError,
  configMask,
  loadConfig,
  loadConfigOffline,
  type OfflineConfig,
  type SpocConfig,
} from '@spoc/core';
import { EXIT } from './exit-codes.ts';
import { maskOutput } from './mask-output.ts';
import { REGISTRY } from './registry.ts';

// Finding and loading the config, apart from the connectors and the store: `spoc validate`
// loads only this.

/** The config file: -c, else SPOC_CONFIG, else ./spoc.yaml. */
export function configPath(option: string | undefined): string {
  return option ?? process.env.SPOC_CONFIG ?? 'spoc.yaml';
}

/**
 * The config, or exit 2 with its problems (FILE:LINE:COL path: message) on stderr. From
 * then on nothing spoc prints or logs carries one of its secrets.
 */
export function loadConfigOrExit(path: string, env: NodeJS.ProcessEnv = process.env): SpocConfig {
  const config = orExit(() => loadConfig(path, REGISTRY, env));
  maskOutput(configMask(config));
  return config;
}

/** The config's structure where secrets may be absent (`validate --offline`), or exit 2. */
export function loadConfigOfflineOrExit(path: string, env: NodeJS.ProcessEnv = process.env): OfflineConfig {
  return orExit(() => loadConfigOffline(path, REGISTRY, env));
}

function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT.usage);
    }
    throw error;
  }
}
