// @spoc/sandbox/kit: what an emulator builds on. The frame's request and response types,
// its services (faults, clock, write log), a daily allowance, the vendor-error escape,
// the seed shapes, and startEmulator for an emulator's own tests.

export { toId18 } from '../seed/salesforce-ids.ts';
export type {
  HubspotSeed,
  SalesforceFieldSeed,
  SalesforceSeed,
  VendorRecord,
  ZendeskSeed,
} from '../seed/types.ts';
export type { SeedAccount, SeedPerson, SeedTicket, SeedWorld } from '../seed/world.ts';
export type { Contracts, EndpointContract } from './contracts.ts';
export { contractProblems } from './contracts.ts';
export { DailyAllowance } from './daily-allowance.ts';
export type { Faults } from './faults.ts';
export { parseFaults } from './faults.ts';
export type { EmulatorOptions, RunningEmulator } from './start-emulator.ts';
export { startEmulator } from './start-emulator.ts';
export type {
  EmulatorDefinition,
  Exchange,
  Handler,
  RateBucket,
  RateState,
  Route,
  SandboxRequest,
  SandboxResponse,
  VendorApp,
  VendorContext,
} from './types.ts';
export { VendorError } from './vendor-error.ts';
export type { WriteLog } from './write-log.ts';
