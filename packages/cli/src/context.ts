import { type Connector, openStore, type SpocConfig, type StateStore } from '@spoc/core';
import type { Logger } from 'pino';
import { configPath, loadConfigOrExit } from './config-file.ts';
import { createConnectors } from './connectors.ts';
import { createLogger } from './logger.ts';

export { configPath, loadConfigOrExit } from './config-file.ts';

export interface CommandContext {
  config: SpocConfig;
  logger: Logger;
  store: StateStore;
  connectors: Connector[];
}

/** Loads config, opens the store and builds connectors; a bad config exits 2 before any vendor is touched. */
export async function openContext(
  configOption: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandContext> {
  const logger = createLogger();
  const config = loadConfigOrExit(configPath(configOption), env);
  const connectors = await createConnectors(config, logger);
  const store = openStore(config.statePath);
  return { config, logger, store, connectors };
}
