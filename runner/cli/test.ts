// `./werkbank test`: the type check, then every vitest project (unit, browser, kwok,
// kind). The last line sums them all up as "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../config.ts';

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  return result.status ?? 1;
}

function typecheck(): Tally {
  console.log('\n▶ Typprüfung (tsc --noEmit)');
  const ok = run(bin('tsc'), ['-p', 'tsconfig.json']) === 0;
  console.log(ok ? '  Typprüfung bestanden' : '  Typprüfung fehlgeschlagen');
  return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
}

function vitest(label: string, extraArgs: string[]): Tally {
  console.log(`\n▶ vitest ${label}`);
  const reportDir = mkdtempSync(join(tmpdir(), 'werkbank-test-'));
  const report = join(reportDir, 'vitest.json');
  try {
    const status = run(bin('vitest'), [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...extraArgs,
    ]);
    let summary: { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    try {
      summary = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      // vitest died before writing its report: count the run itself as a failure.
      return { passed: 0, failed: 1, skipped: 0 };
    }
    // A suite that failed to load (syntax error, failing setup) has no failed test
    // but a non-zero exit; it must not pass silently.
    const failed = summary.numFailedTests + (status !== 0 && summary.numFailedTests === 0 ? 1 : 0);
    return {
      passed: summary.numPassedTests,
      failed,
      skipped: summary.numPendingTests + summary.numTodoTests,
    };
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

// Real kind clusters go last and alone: on two cores, creating clusters while the browser
// and kwok tests run makes their timings (and the pool's readiness) a matter of luck.
const extra = process.argv.slice(2);
const projectsChosen = extra.some((arg) => arg === '--project' || arg.startsWith('--project='));
const tallies = projectsChosen
  ? [typecheck(), vitest('', extra)]
  : [
      typecheck(),
      vitest('(unit, browser, kwok)', ['--project', 'unit', '--project', 'browser', '--project', 'kwok', ...extra]),
      vitest('(kind)', ['--project', 'kind', ...extra]),
    ];
const total = tallies.reduce(
  (sum, tally) => ({
    passed: sum.passed + tally.passed,
    failed: sum.failed + tally.failed,
    skipped: sum.skipped + tally.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log(`\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
