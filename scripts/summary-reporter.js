// Prints the run's totals as the very last line: "N passed, N failed[, N skipped]".
// Written at exit because Jest's own summary is printed after every custom reporter.
// When an integration suite fails, it also prints the warnings and errors its services logged
// (.cache/test-logs/<platform>/, named by suite.txt), so that a failure on a CI machine can be
// understood from the run's output alone. Service logs carry IDs and codes, never personal data.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MAX_LINES_PER_SERVICE = 30;
const SLOWEST = 40;
/** What the run's shared platform writes as its suite (libs/testing SHARED_SUITE_MARK). */
const SHARED_SUITE_MARK = '<shared>';

const usesShared = (testPath) => {
  try {
    return readFileSync(testPath, 'utf8').includes('sharedTestPlatform(');
  } catch {
    return false;
  }
};

const ownsPlatform = (testPath) => {
  try {
    return readFileSync(testPath, 'utf8').includes('startTestPlatform(');
  } catch {
    return false;
  }
};

function serviceWarnings(rootDir, testPath, since) {
  const shared = usesShared(testPath);
  const logsRoot = join(rootDir, '.cache', 'test-logs');
  if (!existsSync(logsRoot)) return [];
  const out = [];
  for (const run of readdirSync(logsRoot).sort()) {
    const dir = join(logsRoot, run);
    const suite = join(dir, 'suite.txt');
    if (!existsSync(suite) || statSync(suite).mtimeMs < since) continue;
    // Another run on the same machine (CI runs both databases side by side) has its own platforms.
    const runFile = join(dir, 'run.txt');
    if (existsSync(runFile) && readFileSync(runFile, 'utf8') !== (process.env.LEKHA_TEST_RUN_DIR ?? '')) continue;
    const named = readFileSync(suite, 'utf8');
    if (named !== testPath && !(shared && named === SHARED_SUITE_MARK)) continue;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .sort()) {
      const lines = readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter((line) => {
          const m = /"level":(\d+)/.exec(line);
          return m ? Number(m[1]) >= 40 : /error|fatal|exception/i.test(line);
        });
      if (lines.length)
        out.push(
          `--- ${run}/${file} (last ${Math.min(lines.length, MAX_LINES_PER_SERVICE)} of ${lines.length} ` +
            `warnings and errors)`,
          ...lines.slice(-MAX_LINES_PER_SERVICE),
        );
    }
  }
  return out;
}

export default class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
    // Only this run's platforms: earlier runs' logs stay in .cache/test-logs.
    this.startedAt = Date.now();
  }

  onTestResult(test, result) {
    if (!result.numFailingTests && !result.testExecError) return;
    const lines = serviceWarnings(this.rootDir, test.path, this.startedAt);
    if (lines.length)
      process.stdout.write(`\nService warnings and errors logged during ${test.path}:\n${lines.join('\n')}\n\n`);
  }

  onRunComplete(_contexts, results) {
    // The slowest suites, so that a run's length can be read off its output (where the time goes).
    const slowest = results.testResults
      .map((r) => ({
        path: r.testFilePath.slice(this.rootDir.length + 1),
        s: (r.perfStats.end - r.perfStats.start) / 1000,
      }))
      .filter((r) => Number.isFinite(r.s))
      .sort((a, b) => b.s - a.s)
      .slice(0, SLOWEST);
    // Where the run's time goes in total: suites on the shared platform against suites that start their own.
    const timed = results.testResults
      .map((r) => ({ path: r.testFilePath, s: (r.perfStats.end - r.perfStats.start) / 1000 }))
      .filter((r) => Number.isFinite(r.s));
    const sum = (rows) => rows.reduce((total, r) => total + r.s, 0);
    const own = timed.filter((r) => ownsPlatform(r.path));
    const totals =
      `all ${timed.length} suites ${sum(timed).toFixed(0)} s, of which ${own.length} with a platform of their own ` +
      `${sum(own).toFixed(0)} s`;
    if (slowest.length > 1)
      process.stdout.write(
        `\nslowest suites (${totals}):\n` +
          `${slowest.map((r) => `${r.s.toFixed(1).padStart(7)} s  ${r.path}`).join('\n')}\n`,
      );
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.once('exit', () => process.stdout.write(`\n${line}\n`));
  }
}
