import Table from 'cli-table3';

/** Width a table may take: the terminal's, else a width that reads well in a log or a pipe. */
function availableWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 160;
}

const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/**
 * A plain aligned table (cli-table3, no borders or colours). Nothing is ever cut: when
 * the rows are wider than the terminal, the widest columns wrap onto more lines, so a
 * message always keeps its system, its ids and its end.
 */
export function table(header: string[], rows: string[][], width = availableWidth()): string {
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => longestLine(r[i] ?? ''))));
  const widths = fit(natural, width - 2 * (header.length - 1));
  const t = new Table({
    head: header,
    colWidths: widths,
    wordWrap: true,
    wrapOnWordBoundary: true,
    chars: NO_BORDER,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) t.push(header.map((_, i) => row[i] ?? ''));
  return t
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

function longestLine(cell: string): number {
  return Math.max(...cell.split('\n').map((l) => l.length));
}

/** Narrows the widest columns first until the row fits (never below 12, so short columns stay whole). */
function fit(natural: number[], room: number): number[] {
  const widths = [...natural];
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > room) {
    const widest = widths.indexOf(Math.max(...widths));
    if ((widths[widest] ?? 0) <= 12) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    total--;
  }
  return widths;
}
