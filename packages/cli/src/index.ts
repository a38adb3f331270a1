// @spoc/cli is the `spoc` binary (src/main.ts); these are exported for end-to-end tests.
export { createConnectors } from './connectors.ts';
export { EMULATORS, type EmulatorId, type SystemEmulatorId, sandboxEnv } from './emulators.ts';
export { EXIT, exitCodeOf } from './exit-codes.ts';
export { REGISTRY } from './registry.ts';
