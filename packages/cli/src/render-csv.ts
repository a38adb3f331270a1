import type { OwnershipReport, SystemId } from '@spoc/core';
import { stringify } from 'csv-stringify/sync';
import { maskPrinted } from './mask-output.ts';

/**
 * `report --csv`: one row per account and role (every account, as `--json`), with the
 * owner each system shows, the decided owner and the status. csv-stringify quotes as
 * RFC 4180 says (https://www.rfc-editor.org/rfc/rfc4180#section-2: CRLF records, fields
 * holding a comma, quote or line break in double quotes, quotes doubled) and, with
 * escape_formulas, prefixes a cell starting with = + - @ tab or CR (and their full-width
 * forms) with an apostrophe, so a spreadsheet shows a CRM's text instead of running it
 * (https://owasp.org/www-community/attacks/CSV_Injection). An empty cell is no owner.
 */
export function renderOwnershipCsv(report: OwnershipReport, systems: readonly SystemId[]): string {
  const rows: string[][] = [['account', 'name', 'role', ...systems, 'decided', 'status']];
  for (const account of report.accounts) {
    for (const [role, r] of Object.entries(account.roles)) {
      rows.push([
        account.account,
        account.name,
        role,
        ...systems.map((s) => r.owners[s] ?? ''),
        r.decided ?? '',
        r.status,
      ]);
    }
  }
  // Masked cell by cell: a doubled quote inside a secret would slip past stdout's mask.
  return stringify(
    rows.map((r) => r.map(maskPrinted)),
    { record_delimiter: 'windows', escape_formulas: true },
  );
}
