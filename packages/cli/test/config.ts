import { loadConfig as load, parseConfig as parse, type SpocConfig } from '@spoc/core';
import { REGISTRY } from '../src/registry.ts';

// The config as the CLI loads it: core's loader with the registered systems.

type Env = Record<string, string | undefined>;

export const loadConfig = (file: string, env?: Env) => load(file, REGISTRY, env);

export const parseConfig = (text: string, file: string, env?: Env) => parse(text, file, REGISTRY, env);

/** A system's settings, to read in assertions. */
export const settingsOf = (config: SpocConfig, system: string) =>
  (config.systems[system]?.settings ?? {}) as Record<string, unknown>;
