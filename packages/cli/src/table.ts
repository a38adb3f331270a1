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
  const cells = (i: number) => [header[i] ?? '', ...rows.map((r) => r[i] ?? '')];
  const natural = header.map((_, i) => Math.max(...cells(i).map(longestLine)));
  // A column never narrows below its longest word: an email or an id is never split or cut.
  const floor = header.map((_, i) => Math.max(...cells(i).map(longestWord)));
  const widths = fit(natural, floor, width - 2 * (header.length - 1));
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

function longestWord(cell: string): number {
  return Math.max(0, ...cell.split(/\s+/).map((w) => w.length));
}

/**
 * Narrows the column with the most room above its floor, one character at a time, until
 * the row fits or every column is at its floor (then the table is wider than the room).
 */
function fit(natural: number[], floor: number[], room: number): number[] {
  const widths = [...natural];
  let total = widths.reduce((a, b) => a + b, 0);
  while (total > room) {
    let best = -1;
    for (let i = 0; i < widths.length; i++) {
      const slack = (widths[i] ?? 0) - (floor[i] ?? 0);
      if (slack > 0 && (best === -1 || (widths[i] ?? 0) > (widths[best] ?? 0))) best = i;
    }
    if (best === -1) break;
    widths[best] = (widths[best] ?? 0) - 1;
    total--;
  }
  return widths;
}
