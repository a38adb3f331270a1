// @spoc/core public API. Internals are not imported across packages.

export { canonicalEmail } from './config/canonical-email.ts';
export { configJsonSchema } from './config/json-schema.ts';
export type { ConfigProblem, OfflineConfig } from './config/load.ts';
// Config
export { ConfigError, formatProblem, loadConfig, loadConfigOffline, parseConfig } from './config/load.ts';
export { rawConfigSchema } from './config/schema.ts';
export type { SecretFileRead } from './config/secret-refs.ts';
export { readSecretFile, secretTextProblem } from './config/secret-refs.ts';
export type {
  HubspotSystemConfig,
  LinkRule,
  Policy,
  RoleConfig,
  SalesforceSystemConfig,
  SpocConfig,
  SystemsConfig,
  ZendeskSystemConfig,
} from './config/types.ts';
export type {
  AccountPage,
  CascadeMove,
  CascadePreview,
  CascadeRequest,
  CascadeResult,
  CheckResult,
  Connector,
  ConnectorContext,
  ConnectorStats,
  ReadQuery,
  RoleFieldMapping,
} from './domain/connector.ts';
export type {
  AccountDecision,
  AccountRecord,
  AssignmentWrite,
  Baseline,
  BaselineEntry,
  CascadeKind,
  CascadeStep,
  ChangeReason,
  ContactRecord,
  Cursor,
  IssueKind,
  OwnerOverride,
  OwnerValue,
  Person,
  PersonRecord,
  Plan,
  PlanIssue,
  PlannedChange,
  RoleDecision,
  RoleStatus,
  Snapshot,
  SystemId,
  WriteResult,
} from './domain/types.ts';
// Domain
export { baselineKey, overrideKey, ROLE_STATUSES, SYSTEMS } from './domain/types.ts';
export type { RecordOutcome } from './domain/write-batch.ts';
// Batch writes (shared by connectors)
export { fieldsByRecord, resultsAfterStop, writeResults } from './domain/write-batch.ts';
export { advanceBaseline } from './engine/advance-baseline.ts';
export { applyWrites } from './engine/apply-writes.ts';
export type { Directory, DirectoryIssue, Resolved, Standing } from './engine/directory.ts';
// Engine (pure: no I/O)
export { buildDirectory } from './engine/directory.ts';
export type { LinkedAccount, LinkResult } from './engine/link-accounts.ts';
export { linkAccounts } from './engine/link-accounts.ts';
export { normaliseDomain } from './engine/normalise-domain.ts';
export { plan } from './engine/plan.ts';
export type { ErrorInfo, ErrorKind } from './errors/spoc-error.ts';

// Errors
export { isSpocError, SpocError, toErrorInfo } from './errors/spoc-error.ts';
export type { RetryOptions } from './http/retry.ts';
// Vendor call resilience (used by connectors)
export { backoffDelay, DEFAULT_RETRY, sleep, withRetry } from './http/retry.ts';
export type { RateObservation, VendorGateOptions } from './http/vendor-gate.ts';
export { VendorGate } from './http/vendor-gate.ts';
// Logging
export type { Mask } from './log/mask.ts';
export { configMask, maskDeep, secretMask } from './log/mask.ts';
export { REDACT_CENSOR, REDACT_PATHS } from './log/redact.ts';
export type { OwnershipReport } from './run/ownership-report.ts';
export { ownershipReport } from './run/ownership-report.ts';
// Sync runs
export { readAndPlan, runSync } from './run/run-sync.ts';
export type { ProgressEvent, RunDeps, RunOptions, RunReport, RunStatus } from './run/run-types.ts';
// State store
export type { AdminAction, AdminActionKind, OverrideRow } from './store/admin-actions.ts';
export type { AccountFilter, AccountRoleRow, ConsistencyPoint, PersonState } from './store/ownership-state.ts';
export type {
  AuditRow,
  ChangeRow,
  Intent,
  LockHolder,
  OwnershipReason,
  OwnershipRow,
  PendingIntent,
  RunRow,
  StoredRunStatus,
  StoreOptions,
} from './store/state-store.ts';
export { DEFAULT_LOCK_TTL_MS, openStore, StateStore } from './store/state-store.ts';
