// @spoc/pipedrive/emulator: Pipedrive (v1 users; v2 organizations, organization fields and persons) with its limits and error bodies, for the sandbox.
import type { EmulatorDefinition } from '@spoc/sandbox/kit';
import { createPipedriveApp } from './app.ts';
import { type PipedriveSeed, seedFromWorld } from './seed.ts';

/** The Pipedrive emulator as it registers with the sandbox: its part of a seed is a PipedriveSeed. */
export const pipedriveEmulator: EmulatorDefinition<'pipedrive'> = {
  id: 'pipedrive',
  create: (seed, context) => createPipedriveApp(seed as PipedriveSeed | undefined, context),
  seedFrom: seedFromWorld,
};

export type { PipedriveSeed } from './seed.ts';
export { PIPEDRIVE_FIELDS } from './seed.ts';
