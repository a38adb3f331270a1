// @spoc/sandbox: offline emulators of the HubSpot, Salesforce and Zendesk APIs.

export type { FaultSpec } from './kit/faults.ts';
export { parseFaults } from './kit/faults.ts';
export type { SandboxStats } from './kit/vendor-server.ts';
export type { WriteEntry } from './kit/write-log.ts';
export { demoSeed } from './seed/demo.ts';
export type { GenerateOptions } from './seed/generate.ts';
export { GENERATED_FIELDS, generateSeed } from './seed/generate.ts';
export { loadSeedFile } from './seed/load-seed.ts';
export type { HubspotSeed, SalesforceSeed, SandboxSeed, VendorRecord, ZendeskSeed } from './seed/types.ts';
export type { Sandbox, SandboxOptions, SystemName } from './start-sandbox.ts';
export { startSandbox } from './start-sandbox.ts';
