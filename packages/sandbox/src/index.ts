// @spoc/sandbox: serves vendor emulators offline (each lives beside its connector and is
// handed in: `@spoc/<id>/emulator`), and the vendor-shaped seeds they start from.
// Emulators build on `@spoc/sandbox/kit`.

export type { Contracts } from './kit/contracts.ts';
export { contractProblems } from './kit/contracts.ts';
export type { FaultSpec } from './kit/faults.ts';
export { parseFaults } from './kit/faults.ts';
export type { EmulatorDefinition, Exchange } from './kit/types.ts';
export type { SandboxStats } from './kit/vendor-server.ts';
export type { WriteEntry } from './kit/write-log.ts';
export { demoSeed } from './seed/demo.ts';
export type { GenerateOptions } from './seed/generate.ts';
export { GENERATED_FIELDS, generateSeed } from './seed/generate.ts';
export { loadSeedFile } from './seed/load-seed.ts';
export type { HubspotSeed, SalesforceSeed, SandboxSeed, VendorRecord, ZendeskSeed } from './seed/types.ts';
export type { Sandbox, SandboxOptions } from './start-sandbox.ts';
export { startSandbox } from './start-sandbox.ts';
