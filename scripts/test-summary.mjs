// Prints vitest's JSON results as one plain closing line ("N passed, N failed, N skipped"),
// which CI reads whatever the runner's own formatting.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.log('Tests: 0 passed, 1 failed, 0 skipped (no test results were written)');
  process.exit(0);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
// A file whose beforeAll fails has no failed test, only skipped ones: count the file then.
const failed =
  r.numFailedTests + (r.numFailedTests === 0 && r.success === false ? Math.max(1, r.numFailedTestSuites) : 0);
console.log(`Tests: ${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped`);
