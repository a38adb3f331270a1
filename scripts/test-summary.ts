// Prints the closing line CI reads ("tests: N passed, N failed") from vitest's JSON report.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('node_modules/.cache/vitest-report.json', 'utf8')) as {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
};
if (report.numPassedTests === 0) {
  console.error('no test ran');
  process.exit(1);
}
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`,
);
