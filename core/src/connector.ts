// @spoc/core/connector: what a connector package builds on. Its definition's types, the
// config building blocks, and the shared parts of talking to a vendor (rate gate,
// retries, batch results). The CLI and console use @spoc/core instead.

export { allowInsecureHttp, email, fieldName, positiveInt, secret, url } from './config/kit.ts';
export { hostLabelProblem, urlProblem } from './config/url-checks.ts';
export type {
  AccountPage,
  CascadeMove,
  CascadePreview,
  CascadeRequest,
  CascadeResult,
  ChangeAuthor,
  ChangeQuery,
  CheckResult,
  Connector,
  ConnectorContext,
  ConnectorStats,
  ReadQuery,
  RoleFieldMapping,
} from './domain/connector.ts';
export type {
  AccountRecord,
  AssignmentWrite,
  CascadeKind,
  ContactRecord,
  Cursor,
  OwnerValue,
  PersonRecord,
  WriteResult,
} from './domain/types.ts';
export type { RecordOutcome } from './domain/write-batch.ts';
export { fieldsByRecord, resultsAfterStop, writeResults } from './domain/write-batch.ts';
export type { ErrorInfo, ErrorKind } from './errors/spoc-error.ts';
export { isSpocError, SpocError, toErrorInfo } from './errors/spoc-error.ts';
export type { RetryOptions } from './http/retry.ts';
export { backoffDelay, DEFAULT_RETRY, sleep, withRetry } from './http/retry.ts';
export type { RateObservation, VendorGateOptions } from './http/vendor-gate.ts';
export { VendorGate } from './http/vendor-gate.ts';
export type { ConnectorDefinition, FieldKind, SettingsReport } from './registry/definition.ts';
