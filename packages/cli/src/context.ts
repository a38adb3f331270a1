import { ConfigError, type Connector, loadConfig, openStore, type SpocConfig, type StateStore } from '@spoc/core';
import type { Logger } from 'pino';
import { createConnectors } from './connectors.ts';
import { EXIT } from './exit-codes.ts';
import { createLogger } from './logger.ts';

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
  const logger = createLogger();
  const config = loadConfigOrExit(configPath(configOption), env);
  const store = openStore(config.statePath);
  return { config, logger, store, connectors: createConnectors(config, logger) };
}

export function loadConfigOrExit(path: string, env: NodeJS.ProcessEnv = process.env): SpocConfig {
  try {
    return loadConfig(path, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT.usage);
    }
    throw error;
  }
}
