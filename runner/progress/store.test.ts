import { statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runProcess } from '../process.ts';
import { ProgressStore } from './store.ts';

let dataDir: string;
const open: ProgressStore[] = [];

function openStore(): ProgressStore {
  const store = new ProgressStore(dataDir);
  open.push(store);
  return store;
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'werkbank-progress-'));
});
afterEach(async () => {
  for (const store of open.splice(0)) store.close();
  await rm(dataDir, { recursive: true, force: true });
});

const failing = [{ checkId: 'namespace-exists', passed: false, message: 'Den Namespace „shop“ gibt es noch nicht.' }];
const passing = [{ checkId: 'namespace-exists', passed: true, message: 'Der Namespace „shop“ ist da.' }];

describe('progress store', () => {
  it('keeps attempts, first pass and reveals across close and reopen', () => {
    const store = openStore();
    store.recordAttempt({ learner: 'anna', lab: 'speicher', step: 'pvc', passed: false, results: failing, checkedAt: 1000 });
    store.recordReveal('anna', 'speicher', 'pvc', 'hint', 1500);
    store.recordAttempt({ learner: 'anna', lab: 'speicher', step: 'pvc', passed: true, results: passing, checkedAt: 2000 });
    // A later failure (the learner deleted the object again) does not undo the pass.
    store.recordAttempt({ learner: 'anna', lab: 'speicher', step: 'pvc', passed: false, results: failing, checkedAt: 3000 });
    store.recordReveal('anna', 'speicher', 'pvc', 'hint', 4000);
    store.close();

    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    const reopened = openStore();
    expect(reopened.labProgress('anna', 'speicher')).toEqual([
      {
        learner: 'anna',
        lab: 'speicher',
        step: 'pvc',
        attempts: 3,
        passedAt: 2000,
        lastCheckedAt: 3000,
        lastPassed: false,
        lastResults: failing,
        hintRevealedAt: 1500,
        solutionRevealedAt: null,
      },
    ]);
    expect(reopened.attempts('anna', 'speicher', 'pvc').map((attempt) => attempt.passed)).toEqual([false, true, false]);
  });

  it('separates learners and labs, and lists the whole class', () => {
    const store = openStore();
    store.recordAttempt({ learner: 'anna', lab: 'speicher', step: 'pvc', passed: true, results: passing });
    store.recordAttempt({ learner: 'ben', lab: 'speicher', step: 'pvc', passed: false, results: failing });
    store.recordReveal('ben', 'services', 'dns', 'solution');

    expect(store.learnerProgress('anna').map((record) => [record.lab, record.step, record.passedAt !== null])).toEqual([
      ['speicher', 'pvc', true],
    ]);
    expect(store.labProgress('ben', 'services')[0]).toMatchObject({ attempts: 0, passedAt: null, hintRevealedAt: null });
    expect(store.labProgress('ben', 'services')[0]?.solutionRevealedAt).toBeTypeOf('number');
    expect(store.classProgress().map((record) => `${record.learner}/${record.lab}/${record.step}`)).toEqual([
      'anna/speicher/pvc',
      'ben/services/dns',
      'ben/speicher/pvc',
    ]);
  });

  it('runs its migrations once: reopening keeps the schema and the data', () => {
    const first = openStore();
    const version = first.schemaVersion();
    expect(version).toBeGreaterThan(0);
    first.recordAttempt({ learner: 'anna', lab: 'speicher', step: 'pvc', passed: true, results: passing });
    first.close();

    // Re-running the CREATE TABLEs would throw "table attempts already exists".
    const second = openStore();
    second.close();
    const third = openStore();
    expect(third.schemaVersion()).toBe(version);
    expect(third.labProgress('anna', 'speicher')).toHaveLength(1);
  });

  it('a runner killed with SIGKILL while writing loses no committed attempt', async () => {
    const script = join(dataDir, 'writer.mjs');
    const storeUrl = pathToFileURL(join(import.meta.dirname, 'store.ts')).href;
    // Writes attempts as fast as it can and says after each commit which one landed.
    await writeFile(
      script,
      `import { ProgressStore } from ${JSON.stringify(storeUrl)};
       const store = new ProgressStore(process.argv[2]);
       for (let i = 0; ; i += 1) {
         store.recordAttempt({ learner: 'anna', lab: 'speicher', step: 'pvc', passed: i % 2 === 0,
           results: [{ checkId: 'x', passed: true, message: 'Versuch ' + i + ' ' + 'ä'.repeat(500) }] });
         process.stdout.write(i + '\\n');
       }`,
    );
    // Killed in the middle of writing, once it has confirmed 150 attempts.
    const kill = new AbortController();
    const lines: string[] = [];
    const writer = await runProcess(process.execPath, [script, dataDir], {
      signal: kill.signal,
      killSignal: 'SIGKILL',
      onStdoutLine: (line) => {
        lines.push(line);
        if (lines.length >= 150) kill.abort();
      },
    });
    if (!kill.signal.aborted) throw new Error(`Schreiber endete vorzeitig: ${writer.stderr}`);
    expect(writer.signal).toBe('SIGKILL');

    const confirmed = lines.filter((line) => /^\d+$/.test(line)).map(Number);
    const lastConfirmed = Math.max(...confirmed);
    const store = openStore();
    const attempts = store.attempts('anna', 'speicher', 'pvc');
    // Every attempt the writer reported is there; at most the one in flight beyond it.
    expect(attempts.length).toBeGreaterThanOrEqual(lastConfirmed + 1);
    expect(attempts.length).toBeLessThanOrEqual(lastConfirmed + 2);
    const [record] = store.labProgress('anna', 'speicher');
    // The per-step summary was written in the same transaction as each attempt.
    expect(record?.attempts).toBe(attempts.length);
    expect(attempts.at(-1)?.results).toHaveLength(1);
  });
});
