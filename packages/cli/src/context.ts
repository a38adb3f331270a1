import {
  type Connector,
  configMask,
  isSpocError,
  type NoticeChannel,
  openStore,
  type SpocConfig,
  type StateStore,
} from '@spoc/core';
import type { Logger } from 'pino';
import { createChannels } from './channels.ts';
import { configPath, loadConfigOrExit } from './config-file.ts';
import { createConnectors } from './connectors.ts';
import { EXIT } from './exit-codes.ts';
import { createLogger } from './logger.ts';

export { configPath, loadConfigOrExit } from './config-file.ts';

export interface CommandContext {
  config: SpocConfig;
  logger: Logger;
  store: StateStore;
  connectors: Connector[];
  /** Where notices go (`notify.channels`). */
  channels: NoticeChannel[];
}

/** Loads config, opens the store and builds connectors; a bad config exits 2 before any vendor is touched. */
export async function openContext(
  configOption: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandContext> {
  const logger = createLogger();
  const config = loadConfigOrExit(configPath(configOption), env);
  const connectors = await createConnectors(config, logger);
  const channels = createChannels(config, logger);
  const store = openStoreOrExit(config, logger);
  return { config, logger, store, connectors, channels };
}

/**
 * The config's state store; a state file that cannot be used (a folder that cannot be
 * made, an empty, unreadable or damaged file) or a Postgres database that cannot be
 * reached (down, wrong credentials, no such database) exits 2 with the message naming it.
 * Error text it keeps is masked of the config's secrets.
 */
export function openStoreOrExit(config: SpocConfig, logger?: Logger): StateStore {
  try {
    return openConfigStore(config, logger);
  } catch (error) {
    if (isSpocError(error) && error.kind === 'config') {
      process.stderr.write(`${configMask(config)(error.message)}\n`);
      process.exit(EXIT.usage);
    }
    throw error;
  }
}

/** The config's state store, or the error that keeps it from opening (a long-lived worker must not exit on it). */
export function openConfigStore(config: SpocConfig, logger?: Logger): StateStore {
  const { connectTimeoutMs, ...location } = config.state;
  const store = openStore(location, {
    mask: configMask(config),
    ...(connectTimeoutMs ? { postgres: { connectTimeoutMs } } : {}),
  });
  for (const warning of store.warnings) logger?.warn(warning);
  return store;
}
