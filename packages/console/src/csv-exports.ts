import type { AccountFilter, AccountRoleRow, AuditRow, SpocConfig } from '@spoc/core';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { systemLabel } from './views/accounts.ts';
import { beforeOf } from './views/run.ts';

/**
 * CSV downloads for spreadsheets: the accounts list as filtered (unfiltered, it is the
 * ownership report) and a run's changes. Names come from the CRMs, so a cell that starts
 * like a formula (= + - @) is prefixed and stays text (csv-stringify's escape_formulas);
 * CRLF rows, as spreadsheets expect.
 */
export function sendCsv(reply: FastifyReply, filename: string, rows: (string | number | null)[][]): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(stringify(rows, { record_delimiter: 'windows', escape_formulas: true }));
}

export function accountsCsv(config: SpocConfig, rows: AccountRoleRow[]): (string | null)[][] {
  const systems = config.enabledSystems;
  return [
    [
      'account',
      'name',
      'role',
      'status',
      'decided owner',
      ...systems.flatMap((s) => [`${systemLabel(config, s)} owner`, `${systemLabel(config, s)} record`]),
    ],
    ...rows.map((r) => [
      r.account,
      r.name,
      r.role,
      r.status,
      r.decided,
      ...systems.flatMap((s) => [r.systems[s]?.owner ?? null, r.systems[s]?.recordId ?? null]),
    ]),
  ];
}

export function changesCsv(config: SpocConfig, rows: AuditRow[]): (string | null)[][] {
  return [
    ['account', 'name', 'role', 'system', 'record', 'from', 'to', 'reason', 'result', 'error'],
    ...rows.map((c) => [
      c.account,
      c.accountName,
      c.role,
      systemLabel(config, c.system),
      c.recordId,
      beforeOf(c),
      c.to,
      c.reason,
      c.result,
      c.error ? `${c.error.code}: ${c.error.message}` : null,
    ]),
  ];
}

/** The download's name: what it holds, and the filter when there is one (`accounts-status-drift.csv`). */
export function accountsFilename(filter: AccountFilter): string {
  const parts = Object.entries(filter)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}-${String(v)}`.replace(/[^a-zA-Z0-9@._-]+/g, '_'));
  return `${['accounts', ...parts].join('-').slice(0, 120)}.csv`;
}
