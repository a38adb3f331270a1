import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresUrl, uniqueTenant } from '../../../test/postgres/index.ts';
import type { AccountRecord } from '../domain/types.ts';
import type { StateLocation } from './state-store.ts';

/** A fresh state-file path in its own temp dir, one folder deeper than exists (the store creates it). */
export function tmpStorePath(): string {
  return join(mkdtempSync(join(tmpdir(), 'spoc-store-')), 'nested', 'state.db');
}

/** A pid that certainly belongs to no running process: a child that has exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

/** A company as a connector maps it, with a null role value and a null xref. */
export function company(id: string, owner: string | null): AccountRecord {
  return {
    system: 'marketing',
    id,
    name: `Customer ${id}`,
    domains: [`c${id}.example`, `https://www.c${id}.example/`],
    xrefs: { crmid: id === '1' ? '001A' : null },
    roles: { account_owner: owner === null ? null : { id: owner }, csm: { email: 'x@acme.test' }, support_lead: null },
    modifiedAt: id === '1' ? null : '2026-01-01T00:00:00.000Z',
  };
}

/** A backend the store's suite runs against: a fresh, empty state each call (reopened by passing it again). */
export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  fresh(): string | StateLocation;
}

/**
 * SQLite always; Postgres when the run has a server (test/postgres: CI always does, a
 * machine without one skips it with one line). Each Postgres state is a tenant of its own.
 */
export function storeBackends(): StoreBackend[] {
  const url = postgresUrl();
  const sqlite: StoreBackend = { name: 'sqlite', fresh: tmpStorePath };
  if (!url) return [sqlite];
  return [sqlite, { name: 'postgres', fresh: () => ({ postgres: url, tenant: uniqueTenant('store') }) }];
}
