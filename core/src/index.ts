// @spoc/core: what the CLI and the console use. Connector packages build on
// @spoc/core/connector; tests on @spoc/core/testing. Internals are not imported across packages.

// Config
export { canonicalEmail } from './config/canonical-email.ts';
export { configJsonSchema } from './config/json-schema.ts';
export type { ConfigProblem, OfflineConfig } from './config/load.ts';
export { ConfigError, formatProblem, loadConfig, loadConfigOffline, parseConfig } from './config/load.ts';
export { readSecretFile, secretTextProblem } from './config/secret-refs.ts';
export type {
  LinkRule,
  NoticeEvent,
  NotifyChannelConfig,
  NotifyConfig,
  Policy,
  RoleConfig,
  SpocConfig,
} from './config/types.ts';
// Connectors, as the CLI builds and runs them
export type { CheckResult, Connector, ConnectorContext, ConnectorStats, RoleFieldMapping } from './domain/connector.ts';
// Domain
export type {
  AccountRecord,
  BaselineEntry,
  CascadeKind,
  CascadeStep,
  ChangeReason,
  IssueKind,
  OwnerOverride,
  PersonRecord,
  Plan,
  PlanIssue,
  PlannedChange,
  RoleStatus,
  SystemId,
} from './domain/types.ts';
export { overrideKey, ROLE_STATUSES } from './domain/types.ts';
export type { Standing } from './engine/directory.ts';
// The planner (pure), for the console's previews
export { buildDirectory } from './engine/directory.ts';
export { allowed, describeLimit } from './engine/guard.ts';
export { plan } from './engine/plan.ts';
// Errors and logging
export type { ErrorInfo } from './errors/spoc-error.ts';
export { isSpocError, SpocError, toErrorInfo } from './errors/spoc-error.ts';
export type { Mask } from './log/mask.ts';
export { configMask, maskDeep, secretMask } from './log/mask.ts';
export { REDACT_CENSOR, REDACT_PATHS } from './log/redact.ts';
export type { DeliveryOptions, DeliveryResult } from './notify/deliver.ts';
export { deliverNotices } from './notify/deliver.ts';
// Notices (handovers, run alerts) and the channels that deliver them
export type {
  HandoverDigest,
  HandoverNotice,
  HandoverWhy,
  Notice,
  NoticeChannel,
  NoticeLink,
  NoticePerson,
  OutgoingNotice,
  RunAlert,
  RunProblem,
} from './notify/notice.ts';
export { NoticeDeliveryError } from './notify/notice.ts';
export type { ConnectorDefinition, EnabledSystem } from './registry/definition.ts';
export type { Registry } from './registry/registry.ts';
export { createRegistry } from './registry/registry.ts';
// Sync runs
export type { OwnershipReport } from './run/ownership-report.ts';
export { ownershipReport } from './run/ownership-report.ts';
export { readAndPlan, runSync } from './run/run-sync.ts';
export type { ProgressEvent, RunDeps, RunOptions, RunReport, RunStatus } from './run/run-types.ts';
// State store
export type { AdminAction, AdminActionKind, OverrideRow } from './store/admin-actions.ts';
export type { OwnershipReason, OwnershipRow } from './store/history.ts';
export type { ActiveAlert, NoticeRow, NoticeState, QueuedNotice } from './store/outbox.ts';
export type {
  AccountFilter,
  AccountRoleRow,
  AccountSort,
  ConsistencyPoint,
  PersonState,
} from './store/ownership-state.ts';
export { ACCOUNT_SORTS } from './store/ownership-state.ts';
export { checkPostgresState } from './store/postgres/check-state.ts';
export type { AuditRow, ChangeRow, RunRow } from './store/run-log.ts';
export type { FinishedRun, FinishedRunStatus } from './store/run-metrics.ts';
export type { StoreOptions } from './store/state-store.ts';
export { openStore, StateStore } from './store/state-store.ts';
