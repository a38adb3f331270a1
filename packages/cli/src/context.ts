import {
  ConfigError,
  type Connector,
  configMask,
  isSpocError,
  loadConfig,
  openStore,
  type SpocConfig,
  type StateStore,
} from '@spoc/core';
import type { Logger } from 'pino';
import { createConnectors } from './connectors.ts';
import { EXIT } from './exit-codes.ts';
import { createLogger } from './logger.ts';
import { maskOutput } from './mask-output.ts';

export interface CommandContext {
  config: SpocConfig;
  logger: Logger;
  store: StateStore;
  connectors: Connector[];
}

/** The config file: -c, else SPOC_CONFIG, else ./spoc.yaml. */
export function configPath(option: string | undefined): string {
  return option ?? process.env.SPOC_CONFIG ?? 'spoc.yaml';
}

/** Loads config, opens the store and builds connectors; a bad config exits 2 before any vendor is touched. */
export function openContext(configOption: string | undefined, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const config = loadConfigOrExit(configPath(configOption), env);
  const logger = createLogger({ mask: configMask(config) });
  const store = openStoreOrExit(config, logger);
  return { config, logger, store, connectors: createConnectors(config, logger) };
}

export function loadConfigOrExit(path: string, env: NodeJS.ProcessEnv = process.env): SpocConfig {
  try {
    const config = loadConfig(path, env);
    // From here on, nothing printed carries one of its secrets.
    maskOutput(configMask(config));
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT.usage);
    }
    throw error;
  }
}

/**
 * The config's state store; a state file that cannot be used (a folder that cannot be
 * made, an empty, unreadable or damaged file) exits 2 with the message naming it.
 */
export function openStoreOrExit(config: SpocConfig, logger?: Logger): StateStore {
  try {
    const store = openStore(config.statePath, { mask: configMask(config) });
    for (const warning of store.warnings) logger?.warn(warning);
    return store;
  } catch (error) {
    if (isSpocError(error) && error.kind === 'config') {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT.usage);
    }
    throw error;
  }
}
